/**
 * Child process of bench/file-drop: drops one CSV file through the file-drop source into a
 * SQLite store and prints one JSON line (rows/s, peak RSS). A process of its own, so the peak
 * RSS is the drop's and not the bench runner's (which holds the generated file and the bare run).
 * Usage: tsx bench/support/file-drop-run.ts <csv file> <work dir> <rows>
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFileDropSource } from '../../src/sources/file-drop/file-drop-source.js';
import { FileDropSchema } from '../../src/sources/file-drop/schema.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { benchSourceContexts } from './source-harness.js';

const [csv, dir, rowsText] = process.argv.slice(2);
if (csv === undefined || dir === undefined || rowsText === undefined) {
  throw new Error('usage: file-drop-run <csv file> <work dir> <rows>');
}
const rows = Number(rowsText);
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

const store = new SqliteMessageStore({ file: join(dir, 's.db') });
const folder = join(dir, 'drop');
mkdirSync(folder, { recursive: true });
const contexts = benchSourceContexts(store, dir);
const drop = createFileDropSource(
  FileDropSchema.parse({ folder, format: 'csv', pollIntervalMs: 50, stableMs: 0, batchRows: 1000 }),
  contexts.factory,
);
await drop.start(contexts.start);
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const t = performance.now();
copyFileSync(csv, join(folder, 'extract.csv'));
while (readdirSync(join(folder, 'processed')).length === 0) {
  await new Promise((r) => setTimeout(r, 20));
}
const seconds = (performance.now() - t) / 1000;
clearInterval(sampler);
await drop.stop();
await store.close();
// maxRSS (kB) also catches peaks between samples.
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ rate: rows / seconds, peakMb: mb(peak), beforeMb: mb(before) }));
