import type { SyncLogEntry } from '../../../src/store/sqlite/wal-sync.js';

/**
 * Reads the writer thread's log in order and returns every reply sent before a sync covering
 * the commits made up to its request had finished, and how many replies needed one at all (a
 * check that saw none proves nothing). A sync's coverage is the commit count when it started, so
 * an `end` covering N belongs to a sync that started after commit N.
 */
export function earlyReplies(log: readonly SyncLogEntry[]): { early: number[]; checked: number } {
  const waiting: { seq: number; committed: number }[] = [];
  let durable = 0;
  const early: number[] = [];
  let checked = 0;
  for (const entry of log) {
    switch (entry.e) {
      case 'exec':
        waiting.push({ seq: entry.seq, committed: entry.committed });
        break;
      case 'start':
        break;
      case 'end':
        durable = Math.max(durable, entry.covers);
        break;
      case 'send': {
        const at = waiting.findIndex((w) => w.seq === entry.seq);
        if (at < 0) throw new Error(`reply ${entry.seq} sent but never executed`);
        const [w] = waiting.splice(at, 1);
        if (w === undefined || w.committed === 0) break;
        checked++;
        if (w.committed > durable) early.push(w.seq);
        break;
      }
    }
  }
  return { early, checked };
}
