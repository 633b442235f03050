// The SQLite store's writer thread: owns the write connection; answers each request after a sync
// of the WAL that covers its commit (decision 210).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from './open.js';
import { errorReply, type WriteReply } from './writer.js';
import { SqliteWrites, type WriteOp } from './writes.js';
import { idleTextIndexing } from './text-index.js';
import { WalSyncer, type SyncTestHooks } from './wal-sync.js';

const port = parentPort;
if (port === null) throw new Error('writer-thread runs only as a worker thread');
const data = workerData as { file: string; indexTextWhenIdle: boolean; syncHooks: SyncTestHooks };
// synchronous=NORMAL: commits do not fsync; WalSyncer syncs the WAL off this thread's loop.
const db = openDatabase(data.file, { walSyncedByCaller: true });
// The WAL exists once a connection has read the database in WAL mode (the store's main
// connection migrated it already); a read here makes sure before it is opened for syncing.
db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
const writes = new SqliteWrites(db);
const idle = data.indexTextWhenIdle ? idleTextIndexing(writes.text) : undefined;

interface Outgoing {
  readonly seq: number;
  readonly to: MessagePort;
  readonly reply: WriteReply;
}

const syncer = new WalSyncer<Outgoing>(
  `${data.file}-wal`,
  (replies) => {
    for (const r of replies) r.to.postMessage(r.reply);
  },
  (replies, error) => {
    for (const r of replies) r.to.postMessage(errorReply(r.seq, error));
  },
  data.syncHooks,
);

type Request =
  | { seq: number; op: WriteOp | { op: 'close' } }
  | { seq: 0; op: { op: 'attach' }; port: MessagePort };

const attached = new Set<MessagePort>();

/** Requests that change nothing: their reply still waits for every commit before them. */
const READS_ONLY = new Set<string>(['synchronousMode', 'barrier', 'syncLog']);

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
      if (!owner) {
        attached.delete(from);
        from.close();
        return;
      }
      // Every held reply goes out (or fails) before the database closes.
      syncer.whenIdle(() => {
        // The engine closes last; a port still attached then (its thread died) would keep this
        // thread alive.
        idle?.stop();
        for (const other of attached) other.close();
        syncer.close();
        db.close();
        from.close();
      });
      return;
    }
    const broken = syncer.broken();
    if (broken !== undefined) {
      from.postMessage(errorReply(seq, broken));
      return;
    }
    let reply: WriteReply;
    try {
      const value = op.op === 'syncLog' ? syncer.syncLog() : writes.execute(op);
      reply = { seq, ok: true, value };
    } catch (error) {
      reply = errorReply(seq, error);
    }
    syncer.executed({ seq, to: from, reply }, !READS_ONLY.has(op.op));
    // After the request: the free-text index is filled when nothing else waits (decision 175).
    idle?.kick();
  });
}

serve(port, true);
