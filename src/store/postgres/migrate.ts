import type pg from 'pg';
import { EngineError } from '../../core/errors.js';
import { LOCK_NAMESPACE, lockKey } from './lock-key.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './migrations.js';

export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  /** The versions this call applied, oldest first; empty when the schema was current. */
  readonly applied: readonly number[];
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export async function currentVersion(db: Queryable): Promise<number> {
  const exists = await db.query<{ t: string | null }>(
    "SELECT to_regclass('schema_migrations')::text AS t",
  );
  if (exists.rows[0]?.t == null) return 0;
  const row = await db.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_migrations',
  );
  return row.rows[0]?.v ?? 0;
}

function refuseNewer(version: number): void {
  if (version > PG_SCHEMA_VERSION) {
    throw new EngineError(
      'STORE_SCHEMA_TOO_NEW',
      `store schema is version ${version}, this ers-bridge knows up to ${PG_SCHEMA_VERSION}: upgrade ers-bridge`,
    );
  }
}

/** Refuses a schema newer than this build; says so when migrations are pending. */
export async function checkVersion(db: Queryable): Promise<number> {
  const version = await currentVersion(db);
  refuseNewer(version);
  if (version < PG_SCHEMA_VERSION) {
    throw new EngineError(
      'STORE_SCHEMA_OUTDATED',
      `store schema is version ${version}, this ers-bridge needs ${PG_SCHEMA_VERSION}: run "ers-bridge migrate"`,
    );
  }
  return version;
}

/**
 * Applies pending migrations in one transaction, under an advisory lock so that instances
 * starting together take turns (the second finds the work done). Refuses a newer schema.
 */
export async function migrate(client: pg.ClientBase, now: number): Promise<MigrationReport> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
      LOCK_NAMESPACE,
      lockKey('schema-migrations'),
    ]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const from = await currentVersion(client);
    refuseNewer(from);
    const applied: number[] = [];
    for (const m of PG_MIGRATIONS) {
      if (m.version <= from) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        m.version,
        now,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { from, to: applied.at(-1) ?? from, applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
