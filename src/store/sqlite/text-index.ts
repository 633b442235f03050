import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './open.js';

/**
 * Rows indexed per transaction when the writer is idle: a commit that arrives meanwhile waits for
 * at most one chunk (FTS5 costs ~25 µs of CPU a CSV row here, so ~6 ms), and fewer, larger
 * chunks leave FTS5 fewer segments to merge.
 */
export const TEXT_CHUNK_ROWS = 256;

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

  /** Whether rows wait to be indexed: two reads, no transaction. */
  behind(): boolean {
    return this.lastId() > this.indexedTo();
  }

  /** Indexes up to `limit` rows in one transaction of its own; true when none are left. */
  step(limit = TEXT_CHUNK_ROWS): boolean {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.chunk.immediate(limit);
    } finally {
      // Every other write stays FULL: nothing is acknowledged before it is on disk.
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Indexes every row stored so far (a free-text query runs next); returns how many chunks. */
  catchUp(): number {
    let chunks = 0;
    // Larger chunks than when idle: the query is waiting for all of them anyway.
    while (!this.step(TEXT_CHUNK_ROWS * 8)) chunks++;
    return chunks + 1;
  }
}

/**
 * Runs index chunks while the writer has nothing else to do. `kick` after each request: the
 * chunk runs from `setImmediate`, after the requests already queued on the thread (a worker's
 * port delivers what is waiting before the check phase), and a request that arrives during a
 * chunk runs before the next one.
 */
export function idleTextIndexing(indexer: TextIndexer): { kick(): void; stop(): void } {
  let pending: NodeJS.Immediate | undefined;
  let stopped = false;
  const run = (): void => {
    pending = undefined;
    if (stopped) return;
    let done = true;
    try {
      done = !indexer.behind() || indexer.step();
    } catch {
      // Busy (another process writing past busy_timeout) or the store closing: the rows stay
      // behind the watermark; the next kick or a free-text query's catch-up indexes them, and
      // that query reports an error that persists.
    }
    if (!done) pending = setImmediate(run);
  };
  return {
    kick() {
      if (stopped || pending !== undefined) return;
      pending = setImmediate(run);
    },
    stop() {
      stopped = true;
      if (pending !== undefined) clearImmediate(pending);
      pending = undefined;
    },
  };
}
