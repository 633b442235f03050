/**
 * The whole engine as a user runs it (`ers-bridge start`, a settings.yaml, one channel file, the
 * SQLite store, a child process) beside a bare MLLP echo and Medplum's HL7 listener, driven by the
 * same load generator over 127.0.0.1 in interleaved rounds: ACKs per second and p99 ACK latency
 * for all four; for the engine also the processing rate (messages reaching SENT per second, from
 * the store) and the backlog left when the load stops, with a file destination and with an e-RS
 * destination against the embedded sandbox at an unlimited quota. Medians of the rounds; ratios
 * are taken within a round, then the median. Settable: BENCH_SECONDS (5), BENCH_ROUNDS (3),
 * BENCH_CONNECTIONS (32), BENCH_WARMUP_SECONDS (1), BENCH_ENGINE_WORKERS (4), BENCH_ORDERING
 * (`message`: MSH-10 orders, as for many patients; `patient`: the source's default key, one patient
 * so one lane), BENCH_DRAIN_SECONDS (3: how long the engine runs on with no load, to see how fast
 * it drains), BENCH_TARGETS (e.g. `echo,medplum,file,ers`), BENCH_KEEP=1 keeps the temp folder,
 * BENCH_BASE_REPO (another checkout, e.g. of main: adds `file-base` and `ers-base`, the same
 * engine targets run from there, so a change gets its before/after ratio from one run),
 * BENCH_ENGINE_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`; bench/support/profile-top.ts
 * reads the profiles), BENCH_ENGINE_BATCH / BENCH_BASE_BATCH (the channel's `batch` for this
 * engine / the base one; unset: the engine's default), BENCH_SANDBOX=apart (the e-RS sandbox as a
 * process of its own instead of embedded), BENCH_ENGINE_PROCESS_IN=thread (the `file`/`ers`
 * targets process on a thread; `file-thread`/`ers-thread` always do, decision 170), `file-batch`
 * (the file destination in `mode: batch-file`, decision 195; not in the default targets),
 * BENCH_BASE_PROCESS_IN (the same for the base targets; default BENCH_ENGINE_PROCESS_IN),
 * BENCH_BASE_NODE_OPTIONS (NODE_OPTIONS for the base targets instead of the Dockerfile's; with
 * BENCH_BASE_REPO set to this checkout it compares heap settings in one run). While the
 * engine ingests, page 1 of the dashboard's messages (API and HTML) is timed. Decisions 110 (why
 * it is built this way), 140 (batches) and 170 (the processing thread).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import {
  imageNodeOptions,
  startEngineChild,
  type EngineDestination,
} from './support/engine-child.js';
import { runLoad, type LoadResult } from './support/mllp-load.js';
import { bareEcho, medplumServer, type Listening } from './support/peer-servers.js';
import { readProgress } from './support/store-progress.js';
import { probeDashboard, type DashboardTimes } from './support/dashboard-probe.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
// A list (as bench/mllp takes, `1,8,32`) means its last entry: this bench runs one level.
const CONNECTIONS = Number((process.env['BENCH_CONNECTIONS'] ?? '32').split(',').at(-1));
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 1);
const WORKERS = Number(process.env['BENCH_ENGINE_WORKERS'] ?? 4);
// The channel's `batch` (messages a worker takes at once); unset: the engine's default. The base
// checkout may not know the field: it gets it only with BENCH_BASE_BATCH.
const BATCH = process.env['BENCH_ENGINE_BATCH'];
const BASE_BATCH = process.env['BENCH_BASE_BATCH'];
const asBatch = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : Number(v);
const ORDERING = process.env['BENCH_ORDERING'] === 'patient' ? 'patient' : 'message';
const DRAIN_SECONDS = Number(process.env['BENCH_DRAIN_SECONDS'] ?? 3);
const KEEP = process.env['BENCH_KEEP'] === '1';
// `apart`: the e-RS sandbox runs as its own process (as e-RS is not in the engine); default
// `embedded` (settings.sandbox.enabled, in the engine's process and event loop).
const SANDBOX_APART = process.env['BENCH_SANDBOX'] === 'apart';
const BASE_REPO = process.env['BENCH_BASE_REPO'];
// Where the `file` and `ers` targets process (settings workers.processIn); `file-thread` and
// `ers-thread` always process on the thread, so one run compares the two (decision 170).
const PROCESS_IN = process.env['BENCH_ENGINE_PROCESS_IN'] === 'thread' ? 'thread' : 'main';
const BASE_PROCESS_IN =
  (process.env['BENCH_BASE_PROCESS_IN'] ?? PROCESS_IN) === 'thread' ? 'thread' : 'main';
const BASE_NODE_OPTIONS = process.env['BENCH_BASE_NODE_OPTIONS'];

const TARGETS = [
  'echo',
  'medplum',
  'file',
  'ers',
  'file-thread',
  'ers-thread',
  'file-batch',
  'file-base',
  'ers-base',
  'file-batch-base',
] as const;
type Target = (typeof TARGETS)[number];
// batch-file is the file output that keeps up with the MLLP source (decision 195): shown by default
// beside one file per message, so the table says which processing goal is met and how.
const DEFAULT_TARGETS = ['echo', 'medplum', 'file', 'ers', 'file-batch'];
const chosen = (
  process.env['BENCH_TARGETS'] ??
  [...DEFAULT_TARGETS, ...(BASE_REPO === undefined ? [] : ['file-base', 'ers-base'])].join(',')
)
  .split(',')
  .filter((t): t is Target => (TARGETS as readonly string[]).includes(t));

const LABELS: Record<Target, string> = {
  echo: 'bare echo (no parse, no store)',
  medplum: 'Medplum Hl7Server, AA at once, no store',
  file: 'ers-bridge start, commit ACK → file',
  ers: 'ers-bridge start, commit ACK → e-RS sandbox',
  'file-thread': 'the same → file, processing on its own thread (workers.processIn: thread)',
  'ers-thread': 'the same → e-RS, processing on its own thread (workers.processIn: thread)',
  'file-batch':
    'the same → file, mode: batch-file (HL7 batch files; its default batch 64, decision 195)',
  'file-base': 'the same → file, from BENCH_BASE_REPO',
  'ers-base': 'the same → e-RS, from BENCH_BASE_REPO',
  'file-batch-base': 'the same → file, mode: batch-file, from BENCH_BASE_REPO',
};

const templatePath = new URL('../samples/hl7/ref-i12.hl7', import.meta.url);
const template = readFileSync(templatePath, 'utf8');
const CONTROL_ID = /^MSH(?:\|[^|\r]*){8}\|([^|\r]+)/.exec(template)?.[1] ?? 'PAS0000123';

interface Measured {
  readonly load: LoadResult;
  /** Engine targets only. */
  readonly processing?: {
    rate: number;
    waiting: number;
    notSent: number;
    /** SENT per second in the DRAIN_SECONDS after the load stopped, and what was left then. */
    idleRate: number;
    waitingAfterDrain: number;
  };
  /** Engine targets only: page 1 of the messages while the engine ingested. */
  readonly dashboard?: DashboardTimes;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0
    ? NaN
    : s.length % 2 === 1
      ? (s[m] ?? NaN)
      : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function measureServer(server: Listening, tag: string): Promise<Measured> {
  try {
    return { load: await warmThenLoad(server.port, tag) };
  } finally {
    await server.close();
  }
}

async function warmThenLoad(port: number, tag: string): Promise<LoadResult> {
  const common = { port, connections: CONNECTIONS, template, controlId: CONTROL_ID };
  if (WARMUP_SECONDS > 0)
    await runLoad({ ...common, durationMs: WARMUP_SECONDS * 1000, tag: `${tag}w` });
  return runLoad({ ...common, durationMs: SECONDS * 1000, tag });
}

async function measureEngine(
  destination: EngineDestination,
  dir: string,
  tag: string,
  repo: string | undefined,
  batch: number | undefined,
  processIn: 'main' | 'thread' = PROCESS_IN,
  nodeOptions?: string,
): Promise<Measured> {
  mkdirSync(dir, { recursive: true });
  const engine = await startEngineChild({
    dir,
    destination,
    orderingKey: ORDERING === 'message' ? ['MSH-10'] : undefined,
    workers: WORKERS,
    startTimeoutMs: 120_000,
    repo,
    batch,
    sandboxApart: SANDBOX_APART,
    processIn,
    nodeOptions,
  });
  try {
    if (destination === 'ers' && !SANDBOX_APART) {
      // "Unlimited": far more requests per minute than this machine can send.
      const answer = await fetch(`${engine.sandboxUrl}/_sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quotaPerMinute: 1_000_000_000 }),
      });
      if (!answer.ok) throw new Error(`sandbox faults: HTTP ${answer.status}`);
    }
    // The probe starts with the warm-up, so the measured window has the store it would have.
    const probe = probeDashboard({
      adminUrl: engine.adminUrl,
      token: engine.adminToken,
      pauseMs: 200,
    });
    const load = await warmThenLoad(engine.mllpPort, tag);
    const dashboard = await probe.stop();
    const p = readProgress(engine.storeFile, { from: load.startedAt, to: load.endedAt });
    const seconds = (load.endedAt - load.startedAt) / 1000;
    // Then no load: is processing starved by the listener, or slow on its own?
    await new Promise((r) => setTimeout(r, DRAIN_SECONDS * 1000));
    const drained = readProgress(engine.storeFile, { from: load.endedAt, to: Date.now() + 1 });
    return {
      load,
      dashboard,
      processing: {
        rate: p.sentInWindow / seconds,
        waiting: p.waiting,
        notSent: drained.notSent,
        idleRate: DRAIN_SECONDS > 0 ? drained.sentInWindow / DRAIN_SECONDS : NaN,
        waitingAfterDrain: drained.waiting,
      },
    };
  } catch (error) {
    const log = readFileSync(engine.logFile, 'utf8').split('\n').slice(-20).join('\n');
    throw new Error(`${(error as Error).message}\nengine log (tail):\n${log}`, { cause: error });
  } finally {
    await engine.stop();
  }
}

function measure(target: Target, dir: string, tag: string): Promise<Measured> {
  switch (target) {
    case 'echo':
      return bareEcho(template).then((s) => measureServer(s, tag));
    case 'medplum':
      return medplumServer().then((s) => measureServer(s, tag));
    case 'file':
    case 'ers':
    case 'file-batch':
      return measureEngine(target, join(dir, tag), tag, undefined, asBatch(BATCH));
    case 'file-thread':
      return measureEngine('file', join(dir, tag), tag, undefined, asBatch(BATCH), 'thread');
    case 'ers-thread':
      return measureEngine('ers', join(dir, tag), tag, undefined, asBatch(BATCH), 'thread');
    case 'file-base':
    case 'ers-base':
    case 'file-batch-base':
      return measureEngine(
        target === 'file-base' ? 'file' : target === 'ers-base' ? 'ers' : 'file-batch',
        join(dir, tag),
        tag,
        BASE_REPO,
        asBatch(BASE_BATCH),
        BASE_PROCESS_IN,
        BASE_NODE_OPTIONS,
      );
  }
}

const int = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-GB') : '–';
const ms = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : '–');
const pct = (n: number): string => (Number.isFinite(n) ? `${(n * 100).toFixed(0)}%` : '–');

function roundLine(target: Target, m: Measured): string {
  const p = m.processing;
  const engine =
    p === undefined
      ? ''
      : `  processed ${int(p.rate)}/s  backlog ${int(p.waiting)}  then idle ${int(p.idleRate)}/s, ${int(p.waitingAfterDrain)} left${p.notSent > 0 ? `  NOT SENT ${p.notSent}` : ''}`;
  const naks = m.load.naks > 0 ? `  NAKs ${m.load.naks}` : '';
  const d = m.dashboard;
  const dash =
    d === undefined
      ? ''
      : `  dashboard API ${ms(median(d.api))} (max ${ms(Math.max(...d.api))}), HTML ${ms(median(d.html))} (max ${ms(Math.max(...d.html))})${d.failures > 0 ? `, ${d.failures} failed` : ''}`;
  return `  ${target.padEnd(11)} ${int(m.load.rate).padStart(7)} msg/s  p50 ${ms(m.load.p50)}  p99 ${ms(m.load.p99)}${engine}${naks}${dash}`;
}

function printTable(results: Map<Target, Measured[]>): void {
  const rows = chosen.map((t) => {
    const ms_ = results.get(t) ?? [];
    const procs = ms_.flatMap((m) => (m.processing ? [m.processing] : []));
    return {
      t,
      rate: median(ms_.map((m) => m.load.rate)),
      p99: median(ms_.map((m) => m.load.p99)),
      processed: procs.length ? median(procs.map((p) => p.rate)) : NaN,
      backlog: procs.length ? median(procs.map((p) => p.waiting)) : NaN,
      idle: procs.length ? median(procs.map((p) => p.idleRate)) : NaN,
      // Every request of every round: the median, and the slowest one seen.
      api: ms_.flatMap((m) => m.dashboard?.api ?? []),
      html: ms_.flatMap((m) => m.dashboard?.html ?? []),
    };
  });
  console.log(`\nmedians of ${ROUNDS} round(s):`);
  console.log(
    `| target | msg/s | p99 ACK | processed (SENT)/s | backlog at end | behind (backlog ÷ SENT/s) | SENT/s, no load (${DRAIN_SECONDS} s) | dashboard page 1 under load: API / HTML, median (max) |\n|---|---|---|---|---|---|---|---|`,
  );
  for (const r of rows) {
    const behind = Number.isFinite(r.backlog)
      ? r.processed > 0
        ? `${(r.backlog / r.processed).toFixed(1)} s`
        : r.backlog > 0
          ? 'never drains'
          : '0 s'
      : '–';
    const dash =
      r.api.length === 0
        ? '–'
        : `${ms(median(r.api))} (${ms(Math.max(...r.api))}) / ${ms(median(r.html))} (${ms(Math.max(...r.html))})`;
    console.log(
      `| ${LABELS[r.t]} | ${int(r.rate)} | ${ms(r.p99)} | ${int(r.processed)} | ${int(r.backlog)} | ${behind} | ${int(r.idle)} | ${dash} |`,
    );
  }
  const perRound = (f: (round: number) => number): number =>
    median(Array.from({ length: ROUNDS }, (_, i) => f(i)).filter(Number.isFinite));
  const rate = (t: Target, i: number): number => results.get(t)?.[i]?.load.rate ?? NaN;
  const processed = (t: Target, i: number): number => results.get(t)?.[i]?.processing?.rate ?? NaN;
  const p99 = (t: Target, i: number): number => results.get(t)?.[i]?.load.p99 ?? NaN;
  console.log('\nratios (within each round, then the median; goals from issue 20):');
  for (const d of TARGETS.filter((t) => t !== 'echo' && t !== 'medplum')) {
    if (!chosen.includes(d)) continue;
    console.log(
      `  ${d.padEnd(9)} engine ingest / Medplum ${pct(perRound((i) => rate(d, i) / rate('medplum', i))).padStart(5)} (goal ≥ 50%)   processing / ingest ${pct(perRound((i) => processed(d, i) / rate(d, i))).padStart(5)} (goal ≥ 90%)   ingest / bare echo ${pct(perRound((i) => rate(d, i) / rate('echo', i))).padStart(5)}`,
    );
  }
  for (const [d, base] of [
    ['file-thread', 'file'],
    ['ers-thread', 'ers'],
    ['file', 'file-base'],
    ['file-batch', 'file'],
    ['file-batch', 'file-base'],
    ['file-batch', 'file-batch-base'],
    ['ers', 'ers-base'],
  ] as const) {
    if (!chosen.includes(d) || !chosen.includes(base)) continue;
    console.log(
      `  ${d.padEnd(11)} / ${base.padEnd(9)}: ingest ${pct(perRound((i) => rate(d, i) / rate(base, i))).padStart(5)}   processing ${pct(perRound((i) => processed(d, i) / processed(base, i))).padStart(6)}   p99 ACK ${pct(perRound((i) => p99(d, i) / p99(base, i))).padStart(5)}`,
    );
  }
}

const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

const benchmark: Benchmark = {
  name: 'whole engine: ers-bridge start vs Medplum Hl7Server vs a bare echo',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-engine-bench-'));
    // Also on Ctrl+C / SIGTERM (engine-child exits the process then, after killing the engine).
    const cleanUp = (): void => {
      if (!KEEP) rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', cleanUp);
    const results = new Map<Target, Measured[]>(chosen.map((t) => [t, []]));
    console.log(
      `message: ${Buffer.byteLength(template)} bytes REF^I12 (MSH-10 unique per message), ${CONNECTIONS} connections, one outstanding each, ${ROUNDS} round(s) of ${SECONDS} s after ${WARMUP_SECONDS} s warm-up`,
    );
    console.log(
      `engine: tsx src/cli/main.ts start, NODE_OPTIONS="${imageNodeOptions()}", SQLite (synchronous=FULL, writer thread), a fresh store per round, ${WORKERS} workers, batch ${BATCH ?? 'default'}${BASE_REPO === undefined ? '' : ` (base: ${BASE_BATCH ?? 'default'})`}, e-RS sandbox ${SANDBOX_APART ? 'apart (its own process)' : 'embedded'}, ordering key ${ORDERING === 'message' ? 'MSH-10 (every message its own lane)' : "the source's default (one patient: one lane)"}`,
    );
    console.log(`load average at start (1, 5, 15 min; 2 cores shared): ${load()}`);
    if (BASE_REPO !== undefined)
      console.log(
        `base: ${BASE_REPO}${BASE_NODE_OPTIONS === undefined ? '' : `, NODE_OPTIONS="${BASE_NODE_OPTIONS}"`}`,
      );
    try {
      for (let round = 0; round < ROUNDS; round++) {
        console.log(`round ${round + 1}`);
        // The order turns each round, so no target always runs on the warmest (or most tired) CPU.
        const order = chosen.map((_, i) => chosen[(i + round) % chosen.length] as Target);
        for (const target of order) {
          const m = await measure(target, dir, `r${round}${target}`);
          results.get(target)?.push(m);
          console.log(roundLine(target, m));
        }
      }
      printTable(results);
      console.log(`load average at end: ${load()}`);
    } finally {
      process.off('exit', cleanUp);
      if (KEEP) console.log(`kept: ${dir}`);
      cleanUp();
    }
  },
};
export default benchmark;
