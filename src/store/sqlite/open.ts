import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError } from '../../core/errors.js';
import { ensureDir } from '../ensure-dir.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './migrations.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens the database with the pragmas durability depends on. `synchronous=FULL` is set on every
 * open: better-sqlite3 reports FULL for a new WAL database but an existing one reopens with
 * NORMAL, and NORMAL can lose acknowledged commits on power loss.
 */
export function openDatabase(file: string, options: { mustExist?: boolean } = {}): SqliteDatabase {
  if (file !== ':memory:') {
    if (options.mustExist === true && !existsSync(file))
      throw new EngineError(
        'STORE_UNAVAILABLE',
        `there is no store at ${file}: check --data / settings dataDir (or start the engine once to create it)`,
      );
    ensureDir(dirname(file));
  }
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } catch (error) {
    throw new EngineError(
      'STORE_UNAVAILABLE',
      `cannot open the store ${file}: ${(error as Error).message} (is the folder read-only or the file not a store?)`,
      { cause: error },
    );
  }
  db.pragma('synchronous = FULL');
  // The CLI and a running engine share the file: each waits for the other's write to finish.
  db.pragma('busy_timeout = 15000');
  // SQLite's own default (1,000 pages, ~4 MB of WAL). Checkpoints run inside a commit and hold
  // up every ACK waiting on it; at 8,000 pages each stall was long enough to set the MLLP p99 at
  // 32 connections (interleaved runs: p99 18-20 ms at 8,000, 9.7-11.7 ms at 1,000, rate within
  // 5%; one connection and the file drop unchanged within noise). See docs/decisions/001.
  db.pragma('wal_autocheckpoint = 1000');
  db.pragma('foreign_keys = ON');
  // Migration 2 fills the content hash of messages stored before it.
  db.function('ers_sha256_hex', { deterministic: true }, (raw: unknown) =>
    raw instanceof Uint8Array ? createHash('sha256').update(raw).digest('hex') : null,
  );
  return db;
}

/**
 * Runs `transaction` with `synchronous = NORMAL`: in WAL mode its commit skips the fsync, and the
 * next FULL commit syncs its frames with its own. Only for writes whose loss in a power cut loses
 * no promise (a lease, a free-text chunk with its watermark); every other write stays FULL, so
 * nothing is acknowledged before it is on disk.
 */
export function unsynced<T>(db: SqliteDatabase, transaction: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return transaction();
  } finally {
    db.pragma('synchronous = FULL');
  }
}

export function currentVersion(db: SqliteDatabase): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
  );
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}

/** Applies pending migrations; refuses a schema newer than this build knows. */
export function migrate(db: SqliteDatabase, now: number): number {
  const version = currentVersion(db);
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new EngineError(
      'STORE_SCHEMA_TOO_NEW',
      `store schema is version ${version}, this ers-bridge knows up to ${SQLITE_SCHEMA_VERSION}: upgrade ers-bridge`,
    );
  }
  if (version === SQLITE_SCHEMA_VERSION) return version;
  const apply = db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const from = currentVersion(db);
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= from) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        m.version,
        now,
      );
    }
  });
  apply.immediate();
  return currentVersion(db);
}
