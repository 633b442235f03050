/**
 * Child of test/store/text-index.test.ts: appends messages to a real SQLite store file with the
 * idle free-text indexing off, then kills itself (SIGKILL) as soon as the appends are committed,
 * so the rows are durable and not yet in the free-text index.
 * Usage: append-then-crash <store file> <count>
 */
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';

const [file, countText] = process.argv.slice(2);
if (file === undefined || countText === undefined)
  throw new Error('usage: append-then-crash <store file> <count>');
const store = new SqliteMessageStore({ file, indexTextWhenIdle: false });
const results = await Promise.all(
  Array.from({ length: Number(countText) }, (_, i) =>
    store.append({
      channel: 'ch',
      sender: 'PAS',
      controlId: `crash-${i}`,
      contentType: 'application/hl7-v2',
      raw: Buffer.from(`MSH|^~\\&|PAS|||||ADT^A31|crash-${i}\rPID|||||CRASHWORD^Row${i}`),
    }),
  ),
);
process.stdout.write(`${JSON.stringify(results.map((r) => r.id))}\n`);
process.kill(process.pid, 'SIGKILL');
