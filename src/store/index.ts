// store: durable message store — the MessageStore contract, SQLite (default) and PostgreSQL.
import { isAbsolute, join, resolve } from 'node:path';
import type { MessageStore } from '../core/store-types.js';
import { SqliteMessageStore } from './sqlite/index.js';
import { openPostgresStore } from './postgres/index.js';

export * from '../core/store-types.js';

export interface OpenStoreOptions {
  /** `sqlite`, `sqlite:<file>` or `postgres://…` (settings.store). */
  readonly url: string;
  readonly dataDir: string;
  readonly clock?: () => number;
  /** SQLite only (settings.sqliteWriterThread); default true. */
  readonly sqliteWriterThread?: boolean;
  /** Opened by an engine: SQLite takes the engine lock, so a second engine is refused
   * (STORE_LOCKED). PostgreSQL is shared by design (scale-out) and takes none. */
  readonly engine?: boolean;
  /** SQLite: create a missing store (default true); false for commands that only read it. */
  readonly create?: boolean;
}

/** The store file or server a settings value points at, for messages and `--help` output. */
export function describeStore(url: string, dataDir: string): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
  return sqliteFile(url, dataDir);
}

function sqliteFile(url: string, dataDir: string): string {
  const file = url === 'sqlite' ? 'ers-bridge.db' : url.slice('sqlite:'.length);
  return isAbsolute(file) ? file : resolve(join(dataDir, file));
}

export async function openStore(options: OpenStoreOptions): Promise<MessageStore> {
  const { url } = options;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgresStore({ url, ...(options.clock ? { clock: options.clock } : {}) });
  }
  if (url === 'sqlite' || url.startsWith('sqlite:')) {
    return new SqliteMessageStore({
      file: sqliteFile(url, options.dataDir),
      writerThread: options.sqliteWriterThread ?? true,
      engineLock: options.engine === true,
      create: options.create ?? true,
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  throw new Error(`store "${url}" is not sqlite, sqlite:<file> or postgres://…`);
}
