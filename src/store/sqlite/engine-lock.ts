import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { EngineError } from '../../core/errors.js';
import { ensureDir } from '../ensure-dir.js';

export interface EngineLock {
  release(): void;
}

/**
 * One engine per SQLite store: two would claim, send and answer side by side (issue 16). The
 * lock is an open write transaction on a small sidecar database, so the operating system drops
 * it with the process (kill -9 included) and no stale lock file is ever left to clean up. The
 * CLI opens the store without it: it only waits for the writer (busy_timeout).
 */
export function acquireEngineLock(file: string): EngineLock | undefined {
  if (file === ':memory:') return undefined;
  const lockFile = `${file}.engine-lock`;
  let db: Database.Database | undefined;
  try {
    ensureDir(dirname(file));
    db = new Database(lockFile, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY')
      throw new EngineError(
        'STORE_LOCKED',
        `another ers-bridge engine is already running on the store ${file}; stop it first, or give this one its own data folder (--data)`,
      );
    throw new EngineError(
      'STORE_UNAVAILABLE',
      `cannot open the store at ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const held = db;
  return {
    release() {
      if (held.open) held.close();
    },
  };
}
