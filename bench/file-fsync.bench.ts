/**
 * Durable file output on this disk (decision 195): files (messages) per second for the file
 * destination's ways of writing, interleaved in rounds. `pipelines N`: N writes under way at
 * once, each a temp file, fsync, rename and folder fsync (the atomic write every release before
 * decision 195 used, fsyncs overlapping in libuv's threads); `grouped N`: groups of N files with
 * all temp files fsynced at once, then renamed, then one folder fsync (tried, reverted);
 * `batch file of N`: N messages in one new file (`writeNewFile`, mode: batch-file). Settable:
 * BENCH_FILES (2,000 per variant), BENCH_ROUNDS (3), BENCH_DIR (a folder on the disk to measure;
 * default the OS temp folder).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import { writeFileAtomically } from '../src/core/atomic-write.js';
import { writeNewFile } from '../src/destinations/file/new-file.js';

const FILES = Number(process.env['BENCH_FILES'] ?? 2_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BASE = process.env['BENCH_DIR'] ?? tmpdir();
const body = readFileSync(new URL('../samples/hl7/ref-i12.hl7', import.meta.url));

async function pipelines(dir: string, n: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < FILES; i = next++)
      await writeFileAtomically(join(dir, `m${i}.hl7`), body);
  };
  await Promise.all(Array.from({ length: n }, lane));
}

/** Tried for the file destination and reverted (decision 195): a group's temp files written and
 * fsynced together, then renamed, then one folder fsync. */
async function grouped(dir: string, n: number): Promise<void> {
  for (let s = 0; s < FILES; s += n) {
    const names = Array.from({ length: Math.min(n, FILES - s) }, (_, k) => `m${s + k}.hl7`);
    await Promise.all(
      names.map(async (name) => {
        const handle = await open(join(dir, `.${name}.tmp`), 'w');
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
    await Promise.all(names.map((name) => rename(join(dir, `.${name}.tmp`), join(dir, name))));
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}

async function batchFiles(dir: string, n: number): Promise<void> {
  for (let s = 0; s < FILES; s += n) {
    const count = Math.min(n, FILES - s);
    await writeNewFile(
      join(dir, `b${s}.hl7`),
      Buffer.concat(Array.from({ length: count }, () => body)),
    );
  }
}

const VARIANTS: readonly (readonly [string, (dir: string) => Promise<void>])[] = [
  ['pipelines 1 (one at a time)', (d) => pipelines(d, 1)],
  ['pipelines 4', (d) => pipelines(d, 4)],
  ['pipelines 16', (d) => pipelines(d, 16)],
  ['pipelines 64 (4 workers × batch 16)', (d) => pipelines(d, 64)],
  ['grouped 16', (d) => grouped(d, 16)],
  ['grouped 64', (d) => grouped(d, 64)],
  ['batch file of 16', (d) => batchFiles(d, 16)],
  ['batch file of 64', (d) => batchFiles(d, 64)],
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const benchmark: Benchmark = {
  name: 'durable file output: concurrent fsyncs, grouped writes, batch files',
  async run() {
    const load = (): string =>
      loadavg()
        .map((n) => n.toFixed(2))
        .join(' ');
    console.log(
      `${FILES} messages of ${body.length} bytes per variant, ${ROUNDS} rounds, in ${BASE}; load at start ${load()}`,
    );
    const rates = new Map<string, number[]>();
    for (let r = 0; r < ROUNDS; r++)
      for (const [name, write] of VARIANTS) {
        const dir = mkdtempSync(join(BASE, 'ers-fsync-bench-'));
        try {
          const started = performance.now();
          await write(dir);
          const rate = FILES / ((performance.now() - started) / 1000);
          rates.set(name, [...(rates.get(name) ?? []), rate]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    const one = median(rates.get(VARIANTS[0]![0]) ?? []);
    console.log(
      '| way of writing | messages/s (median) | rounds | × one at a time |\n|---|---|---|---|',
    );
    for (const [name] of VARIANTS) {
      const xs = rates.get(name) ?? [];
      const m = median(xs);
      console.log(
        `| ${name} | ${Math.round(m).toLocaleString('en-GB')} | ${xs.map((x) => Math.round(x)).join(' / ')} | ×${(m / one).toFixed(1)} |`,
      );
    }
    console.log(`load at end ${load()}`);
  },
};
export default benchmark;
