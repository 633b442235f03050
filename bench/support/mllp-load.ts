/**
 * The MLLP load generator of the whole-engine bench: `connections` sockets to 127.0.0.1, each with
 * one message outstanding (send, wait for the whole ACK frame, record the latency, send the next),
 * for a fixed time. MSH-10 is unique per message (`tag`-connection-sequence), so the engine's
 * dedup never drops one. It runs in a worker thread (plain JS), so the client does not share the
 * event loop of an in-process target (the echo and Medplum servers).
 */
import { Worker } from 'node:worker_threads';

const LOAD = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, connections, durationMs, template, controlId, tag } = workerData;
const latencies = [];
let count = 0;
let nakCount = 0;
const startedAt = Date.now();
const until = startedAt + durationMs;
function conn(c) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    let seq = 0, t0 = 0, buf = Buffer.alloc(0);
    const next = () => {
      if (Date.now() >= until) { s.end(); return resolve(); }
      const msg = template.replace(controlId, tag + '-' + c + '-' + (seq++));
      t0 = performance.now();
      s.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(msg), Buffer.from([0x1c, 0x0d])]));
    };
    s.on('data', (d) => {
      buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
      const end = buf.indexOf(0x1c);
      if (end === -1) return;
      const frame = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 2);
      latencies.push(performance.now() - t0);
      // An ACK that is not AA/CA is counted apart: a refused message is not ingest.
      if (/\\rMSA\\|(AA|CA)\\|/.test(frame)) count++; else nakCount++;
      next();
    });
    s.on('connect', next);
    // A target that closes or breaks the connection ends this connection's run, never hangs it.
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
}
Promise.all(Array.from({ length: connections }, (_, c) => conn(c))).then(() => {
  parentPort.postMessage({ count, nakCount, latencies, startedAt, endedAt: Date.now() });
});
`;

const LATE_MS = 30_000;

export interface LoadOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationMs: number;
  /** The message, with `controlId` (its MSH-10) replaced per message. */
  readonly template: string;
  readonly controlId: string;
  /** Unique per load run, so MSH-10 never repeats within a store. */
  readonly tag: string;
}

export interface LoadResult {
  /** Positive ACKs (AA/CA) per second over the run. */
  readonly rate: number;
  readonly acked: number;
  readonly naks: number;
  readonly p50: number;
  readonly p99: number;
  /** Wall clock (ms since the epoch) of the run, to read the store's timestamps against. */
  readonly startedAt: number;
  readonly endedAt: number;
}

interface WorkerAnswer {
  count: number;
  nakCount: number;
  latencies: number[];
  startedAt: number;
  endedAt: number;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD, { eval: true, workerData: options });
    // Bounded in time whatever the target does: an ACK that never comes ends the run as a failure.
    const limit = setTimeout(() => {
      void w.terminate();
      reject(new Error(`load run not finished ${LATE_MS} ms after its end`));
    }, options.durationMs + LATE_MS);
    w.once('message', (m: WorkerAnswer) => {
      clearTimeout(limit);
      const sorted = m.latencies.sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
      const seconds = (m.endedAt - m.startedAt) / 1000;
      resolve({
        rate: m.count / seconds,
        acked: m.count,
        naks: m.nakCount,
        p50: at(0.5),
        p99: at(0.99),
        startedAt: m.startedAt,
        endedAt: m.endedAt,
      });
    });
    w.once('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
  });
}
