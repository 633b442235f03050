/**
 * Durable store throughput: messages committed per second through the SqliteMessageStore
 * (group commit, each caller waiting for its own commit) for 1, 8 and 32 concurrent writers,
 * beside raw better-sqlite3 inserts on the same disk with the same pragmas: one row per
 * transaction, and 1,000 rows per transaction (the ceiling). CPU per message counts every thread
 * of the process (the writer thread's commits too): steadier than the rate on a shared disk.
 * BENCH_BASE_REPO (a checkout of main) adds the same rows from that checkout's store, interleaved.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SqliteMessageStore } from '../src/store/sqlite/index.js';
import type { Benchmark } from './run.js';

const BODY = Buffer.from('MSH|^~\\&|PAS|RX1|ERS|NHS|20261125||REF^I12|'.padEnd(1500, 'x'));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const BASE_REPO = process.env['BENCH_BASE_REPO'];

type StoreClass = new (options: { file: string }) => Pick<SqliteMessageStore, 'append' | 'close'>;

/** The store of BENCH_BASE_REPO, loaded from its source (the bench runs under tsx). */
async function baseStore(): Promise<StoreClass | undefined> {
  if (BASE_REPO === undefined) return undefined;
  const url = pathToFileURL(join(BASE_REPO, 'src/store/sqlite/index.ts')).href;
  return ((await import(url)) as { SqliteMessageStore: StoreClass }).SqliteMessageStore;
}

function rawRate(file: string, batch: number): number {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, channel TEXT, control_id TEXT, raw BLOB, status TEXT, at INTEGER)',
  );
  const insert = db.prepare(
    'INSERT INTO t (channel, control_id, raw, status, at) VALUES (?, ?, ?, ?, ?)',
  );
  const tx = db.transaction((n: number, base: number) => {
    for (let i = 0; i < n; i++) insert.run('bench', `c${base + i}`, BODY, 'RECEIVED', Date.now());
  });
  let rows = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    tx(batch, rows);
    rows += batch;
  }
  db.close();
  return rows / SECONDS;
}

async function storeRate(
  Store: StoreClass,
  file: string,
  writers: number,
): Promise<{ rate: number; p99: number; cpuUs: number }> {
  const store = new Store({ file });
  const cpu0 = process.cpuUsage();
  let n = 0;
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const writer = async (w: number): Promise<void> => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await store.append({
        channel: 'bench',
        sender: `w${w}`,
        controlId: `w${w}-${n}`,
        contentType: 'application/hl7-v2',
        raw: BODY,
        orderingKey: `k${n % 97}`,
      });
      latencies.push(performance.now() - t0);
      n++;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  latencies.sort((a, b) => a - b);
  return {
    rate: n / SECONDS,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    cpuUs: (cpu.user + cpu.system) / n,
  };
}

const benchmark: Benchmark = {
  name: 'store: durable commits (SQLite, synchronous=FULL)',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-store-'));
    try {
      const single = rawRate(join(dir, 'raw1.db'), 1);
      const batched = rawRate(join(dir, 'raw1000.db'), 1000);
      console.log(`raw better-sqlite3, 1 row/commit      ${single.toFixed(0).padStart(8)} rows/s`);
      console.log(
        `raw better-sqlite3, 1000 rows/commit  ${batched.toFixed(0).padStart(8)} rows/s  (ceiling)`,
      );
      const Base = await baseStore();
      const targets: [string, StoreClass][] = [['', SqliteMessageStore]];
      if (Base !== undefined) targets.push([' (base)', Base]);
      for (const writers of [1, 8, 32]) {
        const rates: number[] = [];
        for (const [label, Store] of targets) {
          const file = join(dir, `store${writers}${label === '' ? '' : '-base'}.db`);
          const { rate, p99, cpuUs } = await storeRate(Store, file, writers);
          rates.push(rate);
          console.log(
            `store.append${label}, ${String(writers).padStart(2)} concurrent writers  ${rate.toFixed(0).padStart(8)} msgs/s  p99 ${p99.toFixed(2)} ms  ${cpuUs.toFixed(0)} µs CPU/msg  = ${((rate / batched) * 100).toFixed(1)}% of raw batched, ${(rate / single).toFixed(1)}x raw single-row`,
          );
        }
        if (rates.length === 2)
          console.log(`  this / base: ×${((rates[0] ?? 0) / (rates[1] ?? 1)).toFixed(2)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
