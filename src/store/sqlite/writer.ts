import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startModuleThread } from '../../core/thread-boot.js';
import type { ErrorCode } from '../../core/error-codes.js';
import { EngineError } from '../../core/errors.js';
import type { SqliteDatabase } from './open.js';
import { SqliteWrites, type WriteOp } from './writes.js';
import { idleTextIndexing } from './text-index.js';

/** How the writer fills the free-text index (decision 175). */
export interface WriterOptions {
  /** Index new rows when the writer is idle (default); false: only when a free-text query asks. */
  readonly indexTextWhenIdle?: boolean;
}

/** Runs the store's writes: on a writer thread for a file store, inline for `:memory:`. */
export interface WriteExecutor {
  run(op: WriteOp): Promise<unknown>;
  close(): Promise<void>;
  /** A port to the same writer thread for a processing thread's store (decision 170): its
   * writes are serialised with this store's, with no second writing connection. */
  attach?(): MessagePort;
}

/** What crosses back from the writer thread: a value, or an error as plain data. */
export type WriteReply =
  | { readonly seq: number; readonly ok: true; readonly value: unknown }
  | { readonly seq: number; readonly ok: false; readonly code?: string; readonly message: string };

/** A failed write means nothing was stored: callers must not acknowledge. */
export function storeWriteError(error: {
  code?: string | undefined;
  message: string;
}): EngineError {
  if (error.code !== undefined) return new EngineError(error.code as ErrorCode, error.message);
  return new EngineError('STORE_UNAVAILABLE', `store write failed: ${error.message}`);
}

export function errorReply(seq: number, error: unknown): WriteReply {
  if (error instanceof EngineError)
    return { seq, ok: false, code: error.code, message: error.message };
  return { seq, ok: false, message: error instanceof Error ? error.message : String(error) };
}

export function inlineWriter(db: SqliteDatabase, options: WriterOptions = {}): WriteExecutor {
  const writes = new SqliteWrites(db);
  const idle = options.indexTextWhenIdle === false ? undefined : idleTextIndexing(writes.text);
  return {
    run(op) {
      try {
        const value = writes.execute(op);
        idle?.kick();
        return Promise.resolve(value);
      } catch (error) {
        // In the same thread an EngineError is passed on as it is, details and all.
        return Promise.reject(
          error instanceof EngineError
            ? error
            : storeWriteError({ message: error instanceof Error ? error.message : String(error) }),
        );
      }
    },
    close: () => {
      idle?.stop();
      return Promise.resolve();
    },
  };
}

/**
 * Commits and their fsyncs run on a thread of their own, so the event loop keeps reading frames
 * and writing ACKs while SQLite waits for the disk (bench/mllp: the synchronous commit was half of
 * the listener's time). Requests are answered in the order sent; each answer means committed.
 */
export function threadWriter(file: string, options: WriterOptions = {}): WriteExecutor {
  const worker = startModuleThread(import.meta.url, 'writer-thread', {
    workerData: { file, indexTextWhenIdle: options.indexTextWhenIdle !== false },
  });
  const remote = remoteWriter(worker);
  worker.on('error', (error) => {
    remote.fail(storeWriteError({ message: `writer thread failed: ${error.message}` }));
  });
  worker.on('exit', (code) => {
    remote.fail(storeWriteError({ message: `writer thread exited (${code})` }));
  });
  return {
    run: remote.run,
    async close() {
      if (remote.failed()) return;
      const exited = new Promise<void>((resolve) =>
        worker.once('exit', () => {
          resolve();
        }),
      );
      worker.ref();
      worker.postMessage({ seq: 0, op: { op: 'close' } });
      await exited;
    },
    attach() {
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ seq: 0, op: { op: 'attach' }, port: port2 }, [port2]);
      return port1;
    },
  };
}

/** Writes through a port another thread's store attached to its writer thread (`attach`). */
export function portWriter(port: MessagePort): WriteExecutor {
  const remote = remoteWriter(port);
  port.once('close', () => {
    remote.fail(storeWriteError({ message: 'the writer thread closed this store' }));
  });
  return {
    run: remote.run,
    close() {
      if (!remote.failed()) port.close();
      return Promise.resolve();
    },
  };
}

interface WriterEndpoint {
  postMessage(value: unknown, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (reply: WriteReply) => void): unknown;
  ref(): void;
  unref(): void;
}

/** Requests over a worker or a port, answered in the order sent; each answer means committed. */
function remoteWriter(endpoint: WriterEndpoint): {
  run: WriteExecutor['run'];
  fail(error: EngineError): void;
  failed(): boolean;
} {
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  let seq = 0;
  let failure: EngineError | undefined;
  // Keep the process alive only while a write is waiting for its commit.
  endpoint.unref();
  endpoint.on('message', (reply: WriteReply) => {
    const p = pending.get(reply.seq);
    if (p === undefined) return;
    pending.delete(reply.seq);
    if (pending.size === 0) endpoint.unref();
    if (reply.ok) p.resolve(reply.value);
    else p.reject(storeWriteError(reply));
  });
  return {
    run(op) {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        if (pending.size === 1) endpoint.ref();
        const packed = packBodies(op);
        endpoint.postMessage({ seq: id, op: packed.op }, packed.transfer);
      });
    },
    fail(error) {
      failure ??= error;
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
    },
    failed: () => failure !== undefined,
  };
}

/**
 * Structured clone copies a view's whole backing store: a message body sliced from a 64 KB socket
 * read, or a small Buffer from Node's 8 KB pool, would cross the thread as all of it (measured: the
 * file drop sent ~8 MB per 1,000-row batch). So a request's bodies are copied once into one
 * ArrayBuffer that is transferred, not cloned: each body crosses as a view of it.
 */
function packBodies(op: WriteOp): { op: WriteOp; transfer: ArrayBuffer[] } {
  const raws =
    op.op === 'commit'
      ? op.items.flatMap((w) => (w.kind === 'append' ? [w.row.raw] : []))
      : op.op === 'appendMany'
        ? op.items.map((m) => m.raw)
        : [];
  if (raws.length === 0) return { op, transfer: [] };
  const packed = new ArrayBuffer(raws.reduce((n, raw) => n + raw.byteLength, 0));
  let offset = 0;
  const repack = (raw: Uint8Array): Buffer => {
    const view = Buffer.from(packed, offset, raw.byteLength);
    view.set(raw);
    offset += raw.byteLength;
    return view;
  };
  const packedOp: WriteOp =
    op.op === 'commit'
      ? {
          ...op,
          items: op.items.map((w) =>
            w.kind === 'append' ? { ...w, row: { ...w.row, raw: repack(w.row.raw) } } : w,
          ),
        }
      : op.op === 'appendMany'
        ? { ...op, items: op.items.map((m) => ({ ...m, raw: repack(m.raw) })) }
        : op;
  return { op: packedOp, transfer: [packed] };
}
