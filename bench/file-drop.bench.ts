/**
 * CSV file drop: rows durably stored per second for a 100,000-row file through the file-drop
 * source and the SQLite store, and peak RSS, beside csv-parse's bare parse of the same file
 * (targets: RSS < 150 MB whatever the size; ≥ 25% of the bare parse rate). BENCH_ROWS changes size.
 */
import { parse } from 'csv-parse';
import { execFileSync } from 'node:child_process';
import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

interface DropRun {
  readonly rate: number;
  readonly peakMb: number;
  readonly beforeMb: number;
}

/** The drop runs in a child process (as the engine would), so its peak RSS is its own. */
function dropInChild(csv: string, dir: string): DropRun {
  const script = fileURLToPath(new URL('./support/file-drop-run.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, csv, dir, String(ROWS)], {
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as DropRun;
}

const benchmark: Benchmark = {
  name: `file drop: ${ROWS} CSV rows stored durably vs bare csv-parse`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-drop-'));
    const source = join(dir, 'extract.csv');
    csvFile(source);
    try {
      const t = performance.now();
      let n = 0;
      for await (const _ of createReadStream(source).pipe(parse({ bom: true }))) n++;
      const bare = (n - 1) / ((performance.now() - t) / 1000);
      const drop = dropInChild(source, join(dir, 'work'));
      console.log(`bare csv-parse           ${bare.toFixed(0).padStart(8)} rows/s`);
      console.log(
        `file drop → SQLite FULL  ${drop.rate.toFixed(0).padStart(8)} rows/s  = ${((drop.rate / bare) * 100).toFixed(1)}% of bare parse`,
      );
      console.log(
        `peak RSS of the dropping process ${drop.peakMb} MB (${drop.beforeMb} MB before the drop: Node + tsx + modules)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
