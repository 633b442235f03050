// The SQLite store's writer thread: owns the write connection and answers each request after its commit.
import { parentPort, workerData } from 'node:worker_threads';
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

port.on('message', ({ seq, op }: { seq: number; op: WriteOp | { op: 'close' } }) => {
  if (op.op === 'close') {
    idle?.stop();
    db.close();
    port.close();
    return;
  }
  let reply: WriteReply;
  try {
    reply = { seq, ok: true, value: writes.execute(op) };
  } catch (error) {
    reply = errorReply(seq, error);
  }
  port.postMessage(reply);
  // After the answer: the free-text index is filled when nothing else waits (decision 175).
  idle?.kick();
});
