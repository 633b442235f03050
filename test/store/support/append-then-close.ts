/**
 * Child of test/store/sqlite-checkpoint.test.ts: appends to a real SQLite store file and closes
 * it as the last thing the process does (nothing else keeps its event loop alive, as at the end
 * of a CLI command), then prints `closed`. Exits 13 if `close()` never settles.
 * Usage: append-then-close <store file>
 */
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';

const [file] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: append-then-close <store file>');
const store = new SqliteMessageStore({ file });
await store.append({
  channel: 'ch',
  sender: 'PAS',
  controlId: 'close-1',
  contentType: 'application/hl7-v2',
  raw: Buffer.from('MSH|^~\\&|PAS|||||ADT^A31|close-1'),
});
await store.close();
process.stdout.write('closed\n');
