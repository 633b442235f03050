import { closeSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import type { SqliteDatabase } from './open.js';

/** How often the checkpointer reads how far the WAL is ahead of the database file. */
export const CHECKPOINT_POLL_MS = 20;

/**
 * WAL frames not yet copied into the database file that start a checkpoint: what
 * `wal_autocheckpoint = 1000` did inline (decision 001 chose 1,000 for the ACK p99), so the
 * checkpoints, and their two fsyncs each, are as many as before; only the thread changes.
 */
export const CHECKPOINT_FRAMES = 1000;

/**
 * Pages the WAL may grow to before the writer checkpoints inline after all (SQLite's
 * `wal_autocheckpoint` on the writing connection), when the checkpointer thread falls behind or a
 * reader keeps it from finishing: a backstop, not the usual path.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Frames in the WAL not yet copied into the database file, read from the wal-index (`-shm`) as
 * https://www.sqlite.org/walformat.html lays it out: `mxFrame` at byte 16 of the header and
 * `nBackfill` at byte 96, in the machine's byte order. Read without SQLite's locks, so it may be a
 * moment old: it only decides when to checkpoint, never what is durable.
 */
export function framesBehind(shmFd: number, buffer = Buffer.alloc(100)): number {
  if (readSync(shmFd, buffer, 0, 100, 0) < 100) return 0;
  const u32 = (at: number): number =>
    endianness() === 'LE' ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at);
  return Math.max(0, u32(16) - u32(96));
}

/**
 * Runs `PRAGMA wal_checkpoint(PASSIVE)` on its own connection once the WAL is CHECKPOINT_FRAMES
 * ahead of the database file. PASSIVE takes no lock the writer needs and waits for nobody: the
 * writer keeps appending to the WAL meanwhile, and its commits no longer pay for copying pages into
 * the database file (the inline auto-checkpoint ran inside a commit that ACKs waited for; decision
 * 190). Errors are ignored: the writer's backstop checkpoints instead.
 */
export function checkpointer(
  db: SqliteDatabase,
  file: string,
  options: { pollMs?: number; frames?: number } = {},
): { stop(): void } {
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const buffer = Buffer.alloc(100);
  let shm: number | undefined;
  const timer = setInterval(() => {
    try {
      shm ??= openSync(`${file}-shm`, 'r');
      if (framesBehind(shm, buffer) >= (options.frames ?? CHECKPOINT_FRAMES)) checkpoint.get();
    } catch {
      // No wal-index yet, busy, or closing: the next tick, or the writer's backstop, checkpoints.
    }
  }, options.pollMs ?? CHECKPOINT_POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      if (shm !== undefined) closeSync(shm);
    },
  };
}
