import type Database from 'better-sqlite3';
import { unsynced, type SqliteDatabase } from './open.js';

/**
 * Rows indexed per transaction when the writer is idle. One `INSERT … SELECT` over a range of ids
 * costs FTS5 ~4 µs of CPU a CSV row in chunks of 1,024-2,048 (5 µs at 256, 10 µs at 32), where
 * migration 4's trigger, a statement per row, cost ~26 µs. A commit that arrives meanwhile waits
 * for at most one chunk (~4 ms).
 */
export const TEXT_CHUNK_ROWS = 1024;
/** Chunks while the writer is busy (the index lags): smaller, so a waiting ACK waits ~1 ms. */
export const TEXT_BUSY_CHUNK_ROWS = 256;

/**
 * Fills the free-text index (`message_text`, FTS5) after the append has committed, so the
 * append's transaction — every ACK's critical path — does not tokenise the body
 * (docs/decisions/175-free-text-after-commit.md). The highest id indexed is kept in
 * `message_text_progress`, updated in the same transaction as the index rows it covers: a crash
 * loses both or neither, so no row is skipped or indexed twice.
 *
 * A chunk commits with `synchronous = NORMAL`: losing it in a power cut loses its watermark too
 * and the rows are indexed again, and in WAL mode the next FULL commit syncs its frames anyway.
 */
export class TextIndexer {
  private readonly stmt;
  private readonly chunk: Database.Transaction<(limit: number) => boolean>;

  constructor(private readonly db: SqliteDatabase) {
    this.stmt = {
      progress: db.prepare('SELECT indexed_to AS id FROM message_text_progress'),
      // The primary key's last entry: no scan.
      last: db.prepare('SELECT MAX(id) AS id FROM messages'),
      // Same text as migration 4's trigger indexed: the first 64 KiB of the body as text.
      fill: db.prepare(
        `INSERT INTO message_text (rowid, body)
           SELECT id, CAST(substr(raw, 1, 65536) AS TEXT) FROM messages
           WHERE id > ? AND id <= ? AND raw IS NOT NULL`,
      ),
      mark: db.prepare('UPDATE message_text_progress SET indexed_to = ?'),
    };
    // Read under the write lock (IMMEDIATE): every id up to MAX(id) is committed, since no other
    // connection can be inside an append meanwhile.
    this.chunk = db.transaction((limit: number): boolean => {
      const from = this.indexedTo();
      const last = this.lastId();
      if (last <= from) return true;
      const to = Math.min(last, from + limit);
      this.stmt.fill.run(from, to);
      this.stmt.mark.run(to);
      return to === last;
    });
  }

  private indexedTo(): number {
    return (this.stmt.progress.get() as { id: number }).id;
  }

  private lastId(): number {
    return (this.stmt.last.get() as { id: number | null }).id ?? 0;
  }

  /** How many ids wait to be indexed: two reads of one row each, no transaction. */
  lag(): number {
    return Math.max(0, this.lastId() - this.indexedTo());
  }

  /** Indexes up to `limit` rows in one transaction of its own; true when none are left. */
  step(limit = TEXT_CHUNK_ROWS): boolean {
    return unsynced(this.db, () => this.chunk.immediate(limit));
  }

  /** Indexes every row stored so far (a free-text query runs next); returns how many chunks. */
  catchUp(): number {
    let chunks = 0;
    // Larger chunks than when idle: the query is waiting for all of them anyway.
    while (!this.step(TEXT_CHUNK_ROWS * 4)) chunks++;
    return chunks + 1;
  }
}

/** The writer counts as idle after this long without a request. */
export const TEXT_IDLE_MS = 20;
/**
 * Rows the index may lag behind under sustained load before it is filled anyway, a chunk after
 * each request: a free-text query's catch-up then waits for at most this many (~0.1 s).
 */
export const TEXT_MAX_LAG_ROWS = 4096;

/** How often a request looks at the lag (at most): 4,096 rows take longer than this to arrive. */
export const TEXT_LAG_CHECK_MS = 5;

/**
 * Runs index chunks when the writer is idle (no request for TEXT_IDLE_MS), or after each request
 * once the index lags by TEXT_MAX_LAG_ROWS. Not after every commit: a chunk of a few rows is a
 * transaction (and an FTS5 segment) of its own that the next append waits behind — measured, one
 * writer's appends fell to 0.7x. A request that arrives during a chunk waits for that chunk only.
 */
export function idleTextIndexing(
  indexer: TextIndexer,
  clock: () => number = () => performance.now(),
): { kick(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let next: NodeJS.Immediate | undefined;
  let lastRequest = clock();
  let lastLagCheck = -Infinity;
  let stopped = false;
  const lagging = (): boolean => indexer.lag() >= TEXT_MAX_LAG_ROWS;
  const arm = (ms: number): void => {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      drain();
    }, ms);
    timer.unref();
  };
  const drain = (): void => {
    next = undefined;
    if (stopped) return;
    const quiet = clock() - lastRequest;
    const idle = quiet >= TEXT_IDLE_MS;
    if (!idle && !lagging()) {
      arm(TEXT_IDLE_MS - quiet);
      return;
    }
    let done = true;
    try {
      done = indexer.lag() === 0 || indexer.step(idle ? TEXT_CHUNK_ROWS : TEXT_BUSY_CHUNK_ROWS);
    } catch {
      // Busy (another process writing past busy_timeout) or the store closing: the rows stay
      // behind the watermark; the next request or a free-text query's catch-up indexes them.
    }
    if (!done) next = setImmediate(drain);
  };
  return {
    kick() {
      if (stopped) return;
      const now = clock();
      lastRequest = now;
      if (next !== undefined) return;
      // The lag is two reads; after every request they were ~1.5% of the writer thread under
      // load (decision 190). Between looks, the armed timer's drain looks too.
      if (now - lastLagCheck >= TEXT_LAG_CHECK_MS) {
        lastLagCheck = now;
        if (lagging()) {
          next = setImmediate(drain);
          return;
        }
      }
      arm(TEXT_IDLE_MS);
    },
    stop() {
      stopped = true;
      if (next !== undefined) clearImmediate(next);
      if (timer !== undefined) clearTimeout(timer);
      next = undefined;
      timer = undefined;
    },
  };
}
