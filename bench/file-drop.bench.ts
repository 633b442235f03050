/**
 * CSV file drop: rows durably stored per second for a 100,000-row file through the file-drop
 * source and the SQLite store, and peak RSS, beside csv-parse's bare parse of the same file
 * (targets: RSS < 150 MB whatever the size; ≥ 25% of the bare parse rate). BENCH_ROWS changes size.
 */
import { parse } from 'csv-parse';
import {
  appendFileSync,
  copyFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SettingsSchema } from '../src/config/settings.js';
import { createFileDropSource } from '../src/sources/file-drop/file-drop-source.js';
import { FileDropSchema } from '../src/sources/file-drop/schema.js';
import { SqliteMessageStore } from '../src/store/sqlite/index.js';
import type { Benchmark } from './run.js';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 100_000);

/** Written in chunks so the bench's own memory does not count against the drop. */
function csvFile(path: string): void {
  writeFileSync(path, 'nhs_number,priority,service,specialty,clinic_type,referrer,comments\r\n');
  for (let start = 0; start < ROWS; start += 10_000) {
    const chunk: string[] = [];
    for (let i = start; i < Math.min(ROWS, start + 10_000); i++) {
      chunk.push(
        `99120038${String(i % 100).padStart(2, '0')},ROUTINE,${12000 + (i % 50)},UROLOGY,GENERAL,G${i % 900},"Referral ${i}, see letter"\r\n`,
      );
    }
    appendFileSync(path, chunk.join(''));
  }
}

const benchmark: Benchmark = {
  name: `file drop: ${ROWS} CSV rows stored durably vs bare csv-parse`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-drop-'));
    const source = join(dir, 'extract.csv');
    csvFile(source);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      let t = performance.now();
      let n = 0;
      for await (const _ of createReadStream(source).pipe(parse({ bom: true }))) n++;
      const bare = (n - 1) / ((performance.now() - t) / 1000);

      const store = new SqliteMessageStore({ file: join(dir, 's.db') });
      const folder = join(dir, 'drop');
      mkdirSync(folder);
      const logger = pino({ level: 'silent' });
      const services = { store, settings: SettingsSchema.parse({}), logger, clock: Date.now };
      const drop = createFileDropSource(
        FileDropSchema.parse({
          folder,
          format: 'csv',
          pollIntervalMs: 50,
          stableMs: 0,
          batchRows: 1000,
        }),
        { channelId: 'bench', configDir: dir, dataDir: dir, logger, services },
      );
      await drop.start({
        channelId: 'bench',
        logger,
        services,
        receive: (m) => store.append({ ...m, channel: 'bench' }),
        receiveMany: (ms) => store.appendMany(ms.map((m) => ({ ...m, channel: 'bench' }))),
        awaitOutcome: () => Promise.resolve(undefined),
        saveReply: () => Promise.resolve(),
      });
      const baseline = process.memoryUsage().rss;
      peak = baseline;
      t = performance.now();
      copyFileSync(source, join(folder, 'extract.csv'));
      while (readdirSync(join(folder, 'processed')).length === 0)
        await new Promise((r) => setTimeout(r, 20));
      const stored = ROWS / ((performance.now() - t) / 1000);
      await drop.stop();
      await store.close();
      console.log(`bare csv-parse           ${bare.toFixed(0).padStart(8)} rows/s`);
      console.log(
        `file drop → SQLite FULL  ${stored.toFixed(0).padStart(8)} rows/s  = ${((stored / bare) * 100).toFixed(1)}% of bare parse`,
      );
      console.log(
        `peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (process; ${(baseline / 1024 / 1024).toFixed(0)} MB before the drop)`,
      );
    } finally {
      clearInterval(sampler);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
