/**
 * MLLP listener throughput: our source ACKing after a durable SQLite commit (synchronous=FULL,
 * group commit) vs a bare node:net MLLP server that answers a fixed ACK with no parse and no
 * store, for 1, 8 and 32 concurrent connections of ~1.4 KB REF^I12 messages. Also the source with
 * no store behind it (parse, ACK, socket): the most any store could let the listener reach here.
 * The load comes from a worker thread (plain JS) so the client does not share the listener's
 * event loop.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Benchmark } from './run.js';
import { benchSourceContexts } from './support/source-harness.js';
import { buildAck, parseHl7 } from '../src/formats/hl7v2/index.js';
import { frameMllp, MllpDecoder, MllpSource, MllpSourceSchema } from '../src/sources/mllp/index.js';
import { SqliteMessageStore } from '../src/store/sqlite/index.js';

const DURATION_MS = Number(process.env['BENCH_SECONDS'] ?? 3) * 1000;
const CONCURRENCY = (process.env.BENCH_CONNECTIONS ?? '1,8,32').split(',').map(Number);
const template = readFileSync(new URL('../samples/hl7/ref-i12.hl7', import.meta.url), 'utf8');

/** Each connection sends, waits for the whole ACK frame, records the latency, sends the next. */
const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, connections, durationMs, template, run } = workerData;
const latencies = [];
let count = 0;
const until = Date.now() + durationMs;
function conn(c) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    let seq = 0, t0 = 0, buf = Buffer.alloc(0);
    const next = () => {
      if (Date.now() >= until) { s.end(); return resolve(); }
      const msg = template.replace('PAS0000123', 'B' + run + '-' + c + '-' + (seq++));
      t0 = performance.now();
      s.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(msg), Buffer.from([0x1c, 0x0d])]));
    };
    s.on('data', (d) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      const end = buf.indexOf(0x1c);
      if (end === -1) return;
      buf = buf.subarray(end + 2);
      latencies.push(performance.now() - t0);
      count++;
      next();
    });
    s.on('connect', next);
    s.on('error', () => resolve());
  });
}
Promise.all(Array.from({ length: connections }, (_, c) => conn(c))).then(() => {
  parentPort.postMessage({ count, latencies });
});
`;

interface Result {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

function load(port: number, connections: number, run: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, {
      eval: true,
      workerData: { port, connections, durationMs: DURATION_MS, template, run },
    });
    w.once('message', (m: { count: number; latencies: number[] }) => {
      const sorted = m.latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
      resolve({ rate: m.count / (DURATION_MS / 1000), p50: at(0.5), p99: at(0.99) });
    });
    w.once('error', reject);
  });
}

async function bareEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const ack = frameMllp(
    buildAck(parseHl7(template), { code: 'CA', controlId: 'X', now: Date.now() }),
  );
  const server = createServer((s) => {
    s.setNoDelay(true);
    const d = new MllpDecoder(1 << 24);
    s.on('data', (c: Buffer) => {
      for (const e of d.push(c)) if (e.kind === 'frame') s.write(ack);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
}

async function durableSource(
  dir: string,
  writerThread: boolean,
  storeless = false,
): Promise<{ port: number; close(): Promise<void> }> {
  const store = new SqliteMessageStore({
    file:
      process.env.BENCH_MEM === '1' ? ':memory:' : join(dir, `bench-${String(writerThread)}.db`),
    writerThread,
  });
  const contexts = benchSourceContexts(store, dir, { storeless });
  const source = new MllpSource(
    MllpSourceSchema.parse({ host: '127.0.0.1', port: 0 }),
    contexts.factory,
  );
  await source.start(contexts.start);
  const port = Number(/:(\d+)$/.exec(source.status().endpoint)?.[1]);
  return {
    port,
    async close() {
      await source.stop();
      await store.close();
    },
  };
}

const fmt = (r: Result) =>
  `${Math.round(r.rate).toLocaleString('en-GB').padStart(7)} msg/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms`;

const pct = (r: Result, of: Result): string => `${((r.rate / of.rate) * 100).toFixed(0)}%`;

const benchmark: Benchmark = {
  name: 'MLLP: durable commit ACKs vs a bare echo server',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-mllp-bench-'));
    try {
      const echo = await bareEcho();
      const ours = await durableSource(dir, true);
      const inline = await durableSource(dir, false);
      const frontEnd = await durableSource(dir, false, true);
      const mode =
        process.env.BENCH_MEM === '1'
          ? 'in-memory SQLite (no fsync: the CPU ceiling)'
          : 'SQLite file, synchronous=FULL';
      console.log(
        `message: ${Buffer.byteLength(template)} bytes REF^I12, ${DURATION_MS / 1000} s per run, store: ${mode}`,
      );
      for (const n of CONCURRENCY) {
        const bare = await load(echo.port, n, `e${n}`);
        const durable = await load(ours.port, n, `d${n}`);
        const sameThread = await load(inline.port, n, `i${n}`);
        const noStore = await load(frontEnd.port, n, `f${n}`);
        console.log(`${String(n).padStart(2)} conn  durable ${fmt(durable)}`);
        console.log(`         inline  ${fmt(sameThread)}   (writes on the event loop)`);
        console.log(
          `         source  ${fmt(noStore)}   (no store: parse + ACK only, ${pct(noStore, bare)} of bare)`,
        );
        console.log(
          `         bare    ${fmt(bare)}   ratio ${pct(durable, bare)} (durable is ${pct(durable, noStore)} of the source with no store)`,
        );
      }
      await ours.close();
      await inline.close();
      await frontEnd.close();
      await echo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
