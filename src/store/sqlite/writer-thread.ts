// The SQLite store's writer thread: owns the write connection and answers each request after its commit.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open.js';
import { errorReply, type WriteReply } from './writer.js';
import { SqliteWrites, type WriteOp } from './writes.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread runs only as a worker thread');
const db = openDatabase((workerData as { file: string }).file);
const writes = new SqliteWrites(db);

port.on('message', ({ seq, op }: { seq: number; op: WriteOp | { op: 'close' } }) => {
  if (op.op === 'close') {
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
});
