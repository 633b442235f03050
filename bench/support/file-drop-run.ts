/**
 * Child process of bench/file-drop, run from a build (as the image runs the engine) or under tsx.
 * Prints one JSON line: rows/s and peak RSS. A process of its own, so the peak RSS is the drop's
 * and not the bench runner's (which holds the generated file and the bare parse).
 *   mode `drop`:  the CSV file through the file-drop source into a SQLite store.
 *   mode `store`: the same rows, already parsed, appended in batches as the drop does
 *                 (one batch committing while the next is built): the store's ceiling.
 * Usage: file-drop-run <csv file> <work dir> <rows> <drop|store>
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createFileDropSource } from '../../src/sources/file-drop/file-drop-source.js';
import { FileDropSchema } from '../../src/sources/file-drop/schema.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import type { NewMessage } from '../../src/core/store-types.js';
import { hashSearchValue, orderingKeyFromHash } from '../../src/store/search-keys.js';
import { BENCH_CHANNEL, benchSourceContexts } from './source-harness.js';

const [csv, dir, rowsText, mode] = process.argv.slice(2);
if (csv === undefined || dir === undefined || rowsText === undefined || mode === undefined) {
  throw new Error('usage: file-drop-run <csv file> <work dir> <rows> <drop|store>');
}
const rows = Number(rowsText);
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

const store = new SqliteMessageStore({ file: join(dir, 's.db') });
const folder = join(dir, 'drop');
mkdirSync(folder, { recursive: true });
const contexts = benchSourceContexts(store, dir);
const config = FileDropSchema.parse({ folder, format: 'csv', pollIntervalMs: 50, stableMs: 0 });
const drop = createFileDropSource(config, contexts.factory);
await drop.start(contexts.start);
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

/** The message the drop stores for data row `row` of the bench file (same sizes and keys). */
function rowMessage(row: number): NewMessage {
  const i = row - 1;
  const columns = {
    nhs_number: `99120038${String(i % 100).padStart(2, '0')}`,
    priority: 'ROUTINE',
    service: String(12000 + (i % 50)),
    specialty: 'UROLOGY',
    clinic_type: 'GENERAL',
    referrer: `G${i % 900}`,
    comments: `Referral ${i}, see letter`,
  };
  const hash = 'f'.repeat(64);
  // The keys the drop stores with each row (ordering key and search keys), at their cost.
  const nhsHash = hashSearchValue(columns.nhs_number);
  return {
    orderingKey: orderingKeyFromHash(nhsHash),
    searchKeys: { nhsNumberHash: nhsHash },
    channel: BENCH_CHANNEL,
    sender: `file:${folder}`,
    controlId: `${hash}:${row}`,
    contentType: 'application/x-csv-row+json',
    messageType: 'csv-row',
    raw: Buffer.from(JSON.stringify({ row, columns })),
    sourceMeta: { file: 'extract.csv', sha256: hash, row },
  };
}

const t = performance.now();
const cpu0 = process.cpuUsage();
if (mode === 'store') {
  let committing: Promise<unknown> = Promise.resolve();
  for (let start = 1; start <= rows; start += config.batchRows) {
    const batch = Array.from({ length: Math.min(config.batchRows, rows - start + 1) }, (_, k) =>
      rowMessage(start + k),
    );
    await committing;
    committing = store.appendMany(batch);
  }
  await committing;
} else {
  copyFileSync(csv, join(folder, 'extract.csv'));
  // Every row stored: the file then waits in processing/ for its rows' mapping (no workers run
  // here), which is the engine's time, not the drop's.
  const stored = (): boolean => {
    const detail = drop.status().detail as { awaitingMapping?: string[] } | undefined;
    return detail?.awaitingMapping?.includes('extract.csv') === true;
  };
  while (!stored() && readdirSync(join(folder, 'processed')).length === 0) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
const seconds = (performance.now() - t) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
await drop.stop();
await store.close();
// maxRSS (kB) also catches peaks between samples.
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
console.log(
  JSON.stringify({
    rate: rows / seconds,
    peakMb: mb(peak),
    beforeMb: mb(before),
    cpuUsPerRow: (cpu.user + cpu.system) / rows,
  }),
);
