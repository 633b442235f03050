// store/postgres: the scale-out MessageStore — several engine instances share one PostgreSQL (node pg).
import pg from 'pg';
import { EngineError } from '../../core/errors.js';
import { checkVersion, migrate, type MigrationReport } from './migrate.js';
import { PostgresMessageStore } from './store.js';

export { PostgresMessageStore } from './store.js';
export { PG_SCHEMA_VERSION } from './migrations.js';
export type { MigrationReport } from './migrate.js';

export interface PostgresStoreOptions {
  readonly url: string;
  readonly clock?: () => number;
  /** Connections per instance (default 10): claims, reads and group commits share them. */
  readonly poolSize?: number;
  /** Apply pending migrations on open (default); false only checks the version. */
  readonly migrate?: boolean;
}

/** The URL without its password, for messages and logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

function createPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the next query fails instead, and is reported where it is made.
  pool.on('error', () => undefined);
  return pool;
}

/** The URL with a server setting added to its `options` parameter (kept beside the user's). */
export function withServerSetting(url: string, setting: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  parsed.searchParams.set('options', `${options === null ? '' : `${options} `}-c ${setting}`);
  return parsed.toString();
}

async function withClient<T>(pool: pg.Pool, url: string, work: (c: pg.PoolClient) => Promise<T>) {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new EngineError(
      'STORE_UNAVAILABLE',
      `cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

/** Opens the store, applying pending migrations (or only checking, with migrate: false). */
export async function openPostgresStore(
  options: PostgresStoreOptions,
): Promise<PostgresMessageStore> {
  const clock = options.clock ?? Date.now;
  const size = options.poolSize ?? 10;
  let pool = createPool(options.url, size);
  let durable: boolean;
  try {
    durable = await withClient(pool, options.url, async (c) => {
      if (options.migrate === false) await checkVersion(c);
      else await migrate(c, clock());
      const { rows } = await c.query<{ s: string }>(
        "SELECT current_setting('synchronous_commit') AS s",
      );
      return rows[0]?.s !== 'off';
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  // Acknowledging requires a durable commit (invariant 1): with synchronous_commit=off (server,
  // database or role setting) a commit returns before its WAL flush, so our sessions raise it to
  // on. Stronger settings (remote_write, remote_apply) are left as they are.
  if (!durable) {
    await pool.end();
    pool = createPool(withServerSetting(options.url, 'synchronous_commit=on'), size);
  }
  const claimPool = createPool(withServerSetting(options.url, 'synchronous_commit=off'), 3);
  return new PostgresMessageStore(pool, claimPool, clock);
}

/** `ers-bridge migrate`: applies pending migrations and says which. */
export async function migratePostgres(url: string, now: number): Promise<MigrationReport> {
  const pool = createPool(url, 1);
  try {
    return await withClient(pool, url, (c) => migrate(c, now));
  } finally {
    await pool.end();
  }
}
