// The SQLite store's checkpointer thread: copies committed WAL frames into the database file off the writer's path.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './open.js';
import { checkpointer } from './checkpoint.js';

const port = parentPort;
if (port === null) throw new Error('checkpoint-thread runs only as a worker thread');
const data = workerData as { file: string; frames?: number };
// openDatabase sets synchronous=FULL: the checkpoint syncs the WAL before copying and the
// database file before the writer may reuse the WAL, so no frame is lost in a power cut.
const db = openDatabase(data.file);
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
