// The SQLite store's writer thread: owns the write connection and answers each request after its commit.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from './open.js';
import { errorReply, type WriteReply } from './writer.js';
import { SqliteWrites, type CommitOp, type WriteOp } from './writes.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread runs only as a worker thread');
const db = openDatabase((workerData as { file: string }).file);
const writes = new SqliteWrites(db);

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
        const queued = waiting;
        waiting = [];
        run(queued);
        for (const other of attached) other.close();
        db.close();
      } else attached.delete(from);
      from.close();
      return;
    }
    // Alone, each request runs as it comes. With a processing thread attached, the requests of
    // one turn are taken together, so both stores' group commits share one transaction.
    if (attached.size === 0) run([{ from, seq, op }]);
    else queue({ from, seq, op });
  });
}

interface Queued {
  readonly from: MessagePort;
  readonly seq: number;
  readonly op: WriteOp;
}

let waiting: Queued[] = [];

function queue(request: Queued): void {
  if (waiting.length === 0)
    setImmediate(() => {
      const now = waiting;
      waiting = [];
      run(now);
    });
  waiting.push(request);
}

/**
 * Runs requests in order; neighbouring commits (each store has at most one in flight, so they
 * come from different stores) run as one transaction. A failed transaction fails every request
 * in it, as one store's group commit already fails all its writers.
 */
function run(requests: readonly Queued[]): void {
  for (let i = 0; i < requests.length;) {
    let end = i + 1;
    if (requests[i]?.op.op === 'commit')
      while (end < requests.length && requests[end]?.op.op === 'commit') end++;
    const group = requests.slice(i, end);
    i = end;
    if (group.length === 1) {
      const [one] = group as [Queued];
      let reply: WriteReply;
      try {
        reply = { seq: one.seq, ok: true, value: writes.execute(one.op) };
      } catch (error) {
        reply = errorReply(one.seq, error);
      }
      one.from.postMessage(reply);
      continue;
    }
    try {
      const results = writes.executeCommits(group.map((q) => q.op as CommitOp));
      group.forEach((q, k) => {
        q.from.postMessage({ seq: q.seq, ok: true, value: results[k] } satisfies WriteReply);
      });
    } catch (error) {
      for (const q of group) q.from.postMessage(errorReply(q.seq, error));
    }
  }
}

serve(port, true);
