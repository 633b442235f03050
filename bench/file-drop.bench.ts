/**
 * CSV file drop: rows durably stored per second for a 100,000-row file through the file-drop
 * source and the SQLite store, and peak RSS, beside csv-parse's bare parse of the same file
 * (targets: RSS < 150 MB whatever the size; ≥ 25% of the bare parse rate). BENCH_ROWS changes size.
 * Also the store alone with the same rows pre-parsed: the most the drop could reach on this store.
 * BENCH_BASE_REPO (a checkout of main) adds the drop and the store alone built from that checkout,
 * run in between this checkout's, for before/after ratios from one run.
 */
import { parse } from 'csv-parse';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
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
  /** CPU of every thread of the child per row (absent from older checkouts' child). */
  readonly cpuUsPerRow?: number;
}

const repo = fileURLToPath(new URL('..', import.meta.url));
const BASE_REPO = process.env['BENCH_BASE_REPO'];

/** Under node_modules/ so the build's imports resolve; one folder per checkout, because worktrees
 * share one node_modules and two benches building into one folder would mix their code. */
const childBuildOf = (checkout: string): string =>
  join(
    repo,
    'node_modules',
    '.cache',
    `ers-bridge-bench-${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`,
  );

/**
 * The image runs compiled JavaScript with the Dockerfile's NODE_OPTIONS, so the child is compiled
 * and run that way too (under node_modules/ so its imports resolve). Read from the Dockerfile, so
 * the bench measures what ships.
 */
function imageNodeOptions(): string {
  const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
  return /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1] ?? '';
}

function buildChild(checkout: string): string {
  const out = childBuildOf(checkout);
  execFileSync(
    process.execPath,
    [
      join(repo, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(checkout, 'bench/tsconfig.child.json'),
    ].concat(['--outDir', out]),
    { stdio: 'inherit' },
  );
  return join(out, 'bench/support/file-drop-run.js');
}

type ChildMode = 'drop' | 'store';

async function bareParseRate(csv: string): Promise<number> {
  const t = performance.now();
  let n = 0;
  for await (const _ of createReadStream(csv).pipe(parse({ bom: true }))) n++;
  return (n - 1) / ((performance.now() - t) / 1000);
}

/** One run in a child process of its own, so its peak RSS is the run's. */
function runChild(
  how: { script: string; nodeArgs: string[]; nodeOptions: string },
  csv: string,
  dir: string,
  mode: ChildMode,
): DropRun {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = execFileSync(
    process.execPath,
    [...how.nodeArgs, how.script, csv, dir, String(ROWS), mode],
    { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: how.nodeOptions } },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as DropRun;
}

const benchmark: Benchmark = {
  name: `file drop: ${ROWS} CSV rows stored durably vs bare csv-parse`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-drop-'));
    const source = join(dir, 'extract.csv');
    csvFile(source);
    try {
      console.log('compiling the drop child (tsc) …');
      const built = buildChild(repo);
      const base = BASE_REPO === undefined ? undefined : buildChild(BASE_REPO);
      const options = imageNodeOptions();
      // The best of three: the first pass runs before the JIT has warmed, and the ratio should be
      // against what csv-parse can really do.
      let bare = 0;
      for (let pass = 0; pass < 3; pass++) bare = Math.max(bare, await bareParseRate(source));
      const image = (script: string) => ({ script, nodeArgs: [], nodeOptions: options });
      const runs: [string, DropRun][] =
        base === undefined
          ? [
              [
                `drop, built, NODE_OPTIONS="${options}" (the image)`,
                runChild(
                  { script: built, nodeArgs: [], nodeOptions: options },
                  source,
                  join(dir, 'w'),
                  'drop',
                ),
              ],
              [
                'drop, built, V8 defaults',
                runChild(
                  { script: built, nodeArgs: [], nodeOptions: '' },
                  source,
                  join(dir, 'w'),
                  'drop',
                ),
              ],
              [
                'drop, tsx (npm start)',
                runChild(
                  {
                    script: fileURLToPath(new URL('./support/file-drop-run.ts', import.meta.url)),
                    nodeArgs: ['--import', 'tsx'],
                    nodeOptions: '',
                  },
                  source,
                  join(dir, 'w'),
                  'drop',
                ),
              ],
              [
                'store only, built (rows pre-parsed)',
                runChild(
                  { script: built, nodeArgs: [], nodeOptions: options },
                  source,
                  join(dir, 'w'),
                  'store',
                ),
              ],
            ]
          : [
              ['drop, built (the image)', runChild(image(built), source, join(dir, 'w'), 'drop')],
              [
                'drop, built (the image), BASE',
                runChild(image(base), source, join(dir, 'w'), 'drop'),
              ],
              [
                'store only (rows pre-parsed)',
                runChild(image(built), source, join(dir, 'w'), 'store'),
              ],
              [
                'store only (rows pre-parsed), BASE',
                runChild(image(base), source, join(dir, 'w'), 'store'),
              ],
            ];
      console.log(`bare csv-parse (best of 3) ${bare.toFixed(0).padStart(8)} rows/s`);
      for (const [label, r] of runs) {
        console.log(
          `${label.padEnd(58)} ${r.rate.toFixed(0).padStart(7)} rows/s = ${((r.rate / bare) * 100).toFixed(1).padStart(4)}% of bare parse  peak RSS ${r.peakMb} MB (${r.beforeMb} MB before)${r.cpuUsPerRow === undefined ? '' : `  ${r.cpuUsPerRow.toFixed(0)} µs CPU/row`}`,
        );
      }
      if (base !== undefined) {
        const [drop, dropBase, store, storeBase] = runs.map(([, r]) => r.rate);
        console.log(
          `this / base: drop ×${((drop ?? 0) / (dropBase ?? 1)).toFixed(2)}, store only ×${((store ?? 0) / (storeBase ?? 1)).toFixed(2)}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
