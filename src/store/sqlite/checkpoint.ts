import type { SqliteDatabase } from './open.js';

/**
 * How often the checkpointer looks for new commits (decision 190). A checkpoint is two fsyncs
 * (the WAL, then the database file) whatever it copies, so not after every commit: at the engine's
 * rates 100 ms gathers a few hundred pages, about what `wal_autocheckpoint = 1000` did inline.
 */
export const CHECKPOINT_EVERY_MS = 100;

/**
 * Pages the WAL may grow to before the writer checkpoints inline after all (SQLite's
 * `wal_autocheckpoint` on the writing connection), when the checkpointer thread falls behind or a
 * reader keeps it from finishing: a backstop, not the usual path.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Runs `PRAGMA wal_checkpoint(PASSIVE)` on its own connection whenever another connection has
 * committed since the last look (`data_version` changed). PASSIVE takes no lock the writer needs
 * and waits for nobody: the writer keeps appending to the WAL meanwhile, and its commits no longer
 * pay for copying pages into the database file (the inline auto-checkpoint ran inside the commit
 * an ACK waited for). Errors are ignored: the writer's backstop checkpoints instead.
 */
export function checkpointer(db: SqliteDatabase, everyMs: number): { stop(): void } {
  const version = db.prepare('PRAGMA data_version').pluck();
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let seen: unknown;
  const timer = setInterval(() => {
    try {
      const now = version.get();
      if (now === seen) return;
      seen = now;
      checkpoint.get();
    } catch {
      // Busy or closing: the next tick, or the writer's backstop, checkpoints.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
