// The SQLite store's checkpointer thread: copies committed WAL frames into the database file off the writer's path.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointer } from './checkpoint.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-thread runs only as a worker thread');
const data = workerData as { file: string; frames?: number };
// Only better-sqlite3 and checkpoint.ts are loaded here: each module is memory this thread keeps
// for the life of the store (the CSV drop's peak RSS is a goal). The writer thread created the
// file and set WAL mode; synchronous=FULL makes the checkpoint sync the WAL before copying and the
// database file before the writer may reuse the WAL, so no frame is lost in a power cut.
const db = new Database(data.file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 0');
const running = checkpointer(
  db,
  data.file,
  data.frames === undefined ? {} : { frames: data.frames },
);
// The only message is `close`.
port.once('message', () => {
  running.stop();
  db.close();
  port.close();
});
