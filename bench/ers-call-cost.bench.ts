/**
 * The CPU one e-RS call costs: the client calling the embedded sandbox (A021, as the engine's e-RS
 * destination calls it), each variant in a child process of its own, in interleaved rounds.
 * CPU time per call (user + system) is what the engine's processing rate is made of when e-RS
 * is the embedded sandbox (decision 200), and it moves far less than a rate when other work
 * shares the machine. Variants: this checkout with the Dockerfile's NODE_OPTIONS; with
 * BENCH_BASE_REPO, the same from there; with BENCH_ALT_NODE_OPTIONS, this checkout with those
 * NODE_OPTIONS instead (e.g. another semi-space size). BENCH_ERS_COST_CALLS (3000),
 * BENCH_ERS_COST_CONCURRENCY (8: the engine's default in flight), BENCH_ROUNDS (3),
 * BENCH_SANDBOX=apart (the sandbox in a child process: the client's CPU and the sandbox's apart).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './run.js';

const CALLS = process.env['BENCH_ERS_COST_CALLS'] ?? '3000';
const CONCURRENCY = process.env['BENCH_ERS_COST_CONCURRENCY'] ?? '8';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const BASE_REPO = process.env['BENCH_BASE_REPO'];
const ALT_NODE_OPTIONS = process.env['BENCH_ALT_NODE_OPTIONS'];
const MODE = process.env['BENCH_SANDBOX'] === 'apart' ? 'apart' : 'embedded';
const repo = fileURLToPath(new URL('..', import.meta.url));
const runner = fileURLToPath(new URL('./support/ers-call-cost-run.ts', import.meta.url));

interface Run {
  readonly wall: number;
  readonly cpuUsPerCall: number;
  /** apart only: the sandbox process's CPU per call. */
  readonly sandboxCpuUsPerCall: number | null;
  readonly gcMs: number;
}
interface Variant {
  readonly label: string;
  readonly repo: string;
  readonly nodeOptions: string;
}

const imageNodeOptions = (): string =>
  /NODE_OPTIONS="([^"]*)"/.exec(
    readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8'),
  )?.[1] ?? '';

function runOnce(v: Variant): Run {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', runner, v.repo, CALLS, CONCURRENCY, MODE],
    {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: v.nodeOptions },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

const benchmark: Benchmark = {
  name: 'e-RS call cost: CPU per A021 call, client + embedded sandbox',
  // Synchronous children one after another (execFileSync): nothing to await here.
  run() {
    const image = imageNodeOptions();
    const variants: Variant[] = [
      { label: `this, NODE_OPTIONS="${image}"`, repo, nodeOptions: image },
      ...(BASE_REPO === undefined
        ? []
        : [
            {
              label: `base ${BASE_REPO}, NODE_OPTIONS="${image}"`,
              repo: BASE_REPO,
              nodeOptions: image,
            },
          ]),
      ...(ALT_NODE_OPTIONS === undefined
        ? []
        : [
            {
              label: `this, NODE_OPTIONS="${ALT_NODE_OPTIONS}"`,
              repo,
              nodeOptions: ALT_NODE_OPTIONS,
            },
          ]),
    ];
    console.log(
      `${CALLS} A021 calls, ${CONCURRENCY} in flight, sandbox ${MODE}, ${ROUNDS} round(s); load average at start: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    const runs = variants.map((): Run[] => []);
    for (let round = 0; round < ROUNDS; round++)
      for (let i = 0; i < variants.length; i++) {
        // The order turns each round, so no variant always runs first.
        const k = (i + round) % variants.length;
        const v = variants[k] as Variant;
        const r = runOnce(v);
        runs[k]?.push(r);
        console.log(
          `  round ${round + 1}  ${v.label.padEnd(60)} ${r.cpuUsPerCall.toFixed(0).padStart(6)} µs CPU/call${r.sandboxCpuUsPerCall === null ? '' : ` (client; sandbox ${r.sandboxCpuUsPerCall.toFixed(0)} µs)`}  ${(Number(CALLS) / r.wall).toFixed(0).padStart(6)} calls/s  GC pauses ${((r.gcMs * 1000) / Number(CALLS)).toFixed(0)} µs/call`,
        );
      }
    console.log('\nmedians:');
    console.log(
      `| variant | CPU µs / call${MODE === 'apart' ? ' (client process)' : ''} | ${MODE === 'apart' ? 'sandbox process CPU µs / call | ' : ''}calls/s | GC pauses µs / call (main thread, wall) | CPU / call vs the first, per round (median) |\n|---|---|---|---|---|${MODE === 'apart' ? '---|' : ''}`,
    );
    variants.forEach((v, k) => {
      const rs = runs[k] ?? [];
      const ratio = median(rs.map((r, i) => r.cpuUsPerCall / (runs[0]?.[i]?.cpuUsPerCall ?? NaN)));
      console.log(
        `| ${v.label} | ${median(rs.map((r) => r.cpuUsPerCall)).toFixed(0)} | ${MODE === 'apart' ? `${median(rs.map((r) => r.sandboxCpuUsPerCall ?? NaN)).toFixed(0)} | ` : ''}${median(rs.map((r) => Number(CALLS) / r.wall)).toFixed(0)} | ${median(rs.map((r) => (r.gcMs * 1000) / Number(CALLS))).toFixed(0)} | ×${ratio.toFixed(2)} |`,
      );
    });
    console.log(
      `load average at end: ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    return Promise.resolve();
  },
};
export default benchmark;
