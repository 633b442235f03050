// The SQLite store's writer thread: owns the write connection and answers each request after its commit.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from './open.js';
import { errorReply, type WriteReply } from './writer.js';
import { SqliteWrites, type WriteOp } from './writes.js';
import { idleTextIndexing } from './text-index.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread runs only as a worker thread');
const data = workerData as { file: string; indexTextWhenIdle: boolean };
const db = openDatabase(data.file);
const writes = new SqliteWrites(db);
const idle = data.indexTextWhenIdle ? idleTextIndexing(writes.text) : undefined;

type Request =
  | { seq: number; op: WriteOp | { op: 'close' } }
  | { seq: 0; op: { op: 'attach' }; port: MessagePort };

const attached = new Set<MessagePort>();

/** Serves one port's requests. Only the engine's own port closes the database; a port attached
 * for a processing thread (decision 170) closes only itself. */
function serve(from: MessagePort, owner: boolean): void {
  from.on('message', (request: Request) => {
    const { seq, op } = request;
    if (op.op === 'attach') {
      const other = (request as { port: MessagePort }).port;
      attached.add(other);
      other.once('close', () => attached.delete(other));
      serve(other, false);
      return;
    }
    if (op.op === 'close') {
      // The engine closes last; a port still attached then (its thread died) would keep this
      // thread alive.
      if (owner) {
        idle?.stop();
        for (const other of attached) other.close();
        db.close();
      } else attached.delete(from);
      from.close();
      return;
    }
    let reply: WriteReply;
    try {
      reply = { seq, ok: true, value: writes.execute(op) };
    } catch (error) {
      reply = errorReply(seq, error);
    }
    from.postMessage(reply);
    // After the answer: the free-text index is filled when nothing else waits (decision 175).
    idle?.kick();
  });
}

serve(port, true);
