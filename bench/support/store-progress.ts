/**
 * Reads the engine's progress from its SQLite store, read-only beside the running engine (WAL lets
 * a reader in while the writer thread commits): how many messages reached SENT in a time window
 * (SENT is final, so `updated_at` is when it was reached), how many are still waiting, how many
 * failed. Reading the store is what the dashboard does; it is done twice per run, not polled.
 */
import Database from 'better-sqlite3';
import { CLAIMABLE_STATUSES } from '../../src/core/store-types.js';

export interface StoreProgress {
  /** Messages that reached SENT with `from <= updated_at < to`. */
  readonly sentInWindow: number;
  readonly sentTotal: number;
  /** RECEIVED, TRANSFORMED or QUEUED: accepted and ACKed, not yet processed. */
  readonly waiting: number;
  /** ERROR, DEAD, NEEDS_REVIEW or FILTERED: not a success, so never counted as processed. */
  readonly notSent: number;
  readonly total: number;
}

export function readProgress(file: string, window: { from: number; to: number }): StoreProgress {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const marks = CLAIMABLE_STATUSES.map(() => '?').join(', ');
    const row = db
      .prepare(
        `SELECT
           COUNT(*) AS total,
           COALESCE(SUM(status = 'SENT'), 0) AS sentTotal,
           COALESCE(SUM(status = 'SENT' AND updated_at >= ? AND updated_at < ?), 0) AS sentInWindow,
           COALESCE(SUM(status IN (${marks})), 0) AS waiting
         FROM messages`,
      )
      .get(window.from, window.to, ...CLAIMABLE_STATUSES) as {
      total: number;
      sentTotal: number;
      sentInWindow: number;
      waiting: number;
    };
    return { ...row, notSent: row.total - row.sentTotal - row.waiting };
  } finally {
    db.close();
  }
}
