import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EngineError } from '../../engine/errors.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './migrations.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens the database with the pragmas durability depends on. `synchronous=FULL` is set on every
 * open: better-sqlite3 reports FULL for a new WAL database but an existing one reopens with
 * NORMAL, and NORMAL can lose acknowledged commits on power loss.
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
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
  const apply = db.transaction(() => {
    for (const m of SQLITE_MIGRATIONS) {
      if (m.version <= version) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        m.version,
        now,
      );
    }
  });
  apply();
  return currentVersion(db);
}
