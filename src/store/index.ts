// store: durable message store — the MessageStore contract, SQLite (default) and PostgreSQL.
import { isAbsolute, join, resolve } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import type { MessageStore } from '../core/store-types.js';
import { SqliteMessageStore } from './sqlite/index.js';

/** A port to the writer thread of an SQLite store opened by `openStore`, for a processing
 * thread's own store handle (decision 170); undefined for PostgreSQL (each thread opens its own
 * pool) and for SQLite writing inline. */
export function attachStoreWriter(store: MessageStore): MessagePort | undefined {
  return store instanceof SqliteMessageStore ? store.attachWriter() : undefined;
}
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
  /** SQLite: write through the engine's writer thread (a processing thread's store, decision 170). */
  readonly sqliteWriterPort?: MessagePort;
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
      ...(options.sqliteWriterPort ? { writerPort: options.sqliteWriterPort } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }
  throw new Error(`store "${url}" is not sqlite, sqlite:<file> or postgres://…`);
}
