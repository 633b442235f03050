/**
 * Durable store throughput on PostgreSQL beside SQLite, in the same run on the same disk:
 * messages committed per second through `append` (group commit, each caller waiting for its own
 * commit), 32 concurrent writers, for SQLite, one PostgreSQL store instance, and two PostgreSQL
 * store instances sharing one database (each with its own pool and group commit, as two engines
 * would have; here in one process). Also the queue: messages taken through claim → TRANSFORMED
 * → SENT per second by 16 workers on one and on two instances. The PostgreSQL cluster is a
 * throwaway one (test/support/pg-cluster.ts) with fsync and synchronous_commit on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { SqliteMessageStore } from '../src/store/sqlite/index.js';
import type { MessageStore } from '../src/core/store-types.js';
import { pgCluster } from '../test/support/pg-cluster.js';
import type { Benchmark } from './run.js';

const BODY = Buffer.from('MSH|^~\\&|PAS|RX1|ERS|NHS|20261125||REF^I12|'.padEnd(1500, 'x'));
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const WRITERS = 32;
const WORKERS = 16;

/** Appends from `writers` concurrent callers spread over the stores; msgs/s. */
async function appendRate(stores: readonly MessageStore[], tag: string): Promise<number> {
  let n = 0;
  const until = performance.now() + SECONDS * 1000;
  const writer = async (w: number): Promise<void> => {
    const store = stores[w % stores.length] as MessageStore;
    while (performance.now() < until) {
      const i = n++;
      await store.append({
        channel: 'bench',
        sender: `w${w}`,
        controlId: `${tag}-${i}`,
        contentType: 'application/hl7-v2',
        raw: BODY,
        orderingKey: `k${i % 97}`,
      });
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return n / SECONDS;
}

/** Workers claiming and finishing the queued messages; msgs/s. */
async function processRate(stores: readonly MessageStore[]): Promise<number> {
  let done = 0;
  const until = performance.now() + SECONDS * 1000;
  const worker = async (w: number): Promise<void> => {
    const store = stores[w % stores.length] as MessageStore;
    const owner = `i${w % stores.length}w${w}`;
    while (performance.now() < until) {
      const [m] = await store.claim({
        owner,
        channels: ['bench'],
        limit: 1,
        leaseMs: 60_000,
        now: Date.now(),
      });
      if (m === undefined) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const base = { actor: owner, leaseOwner: owner };
      await store.transition(m.id, {
        ...base,
        to: 'TRANSFORMED',
        stage: 'transform',
        keepLease: true,
        patch: { inFlightDestination: 'out' },
      });
      await store.transition(m.id, {
        ...base,
        to: 'SENT',
        stage: 'send',
        patch: { inFlightDestination: null, destinationResults: { out: {} } },
      });
      done++;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  return done / SECONDS;
}

async function measure(stores: MessageStore[], tag: string): Promise<[number, number]> {
  try {
    const appended = await appendRate(stores, tag);
    return [appended, await processRate(stores)];
  } finally {
    for (const s of stores) await s.close();
  }
}

const row = (label: string, rate: number, base: number): string =>
  `${label.padEnd(34)} ${rate.toFixed(0).padStart(7)} msgs/s  = ${(rate / base).toFixed(2)}x SQLite`;

const benchmark: Benchmark = {
  name: `store: PostgreSQL vs SQLite (durable, ${WRITERS} writers / ${WORKERS} workers)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-pg-'));
    try {
      const cluster = await pgCluster();
      const [url1, url2] = [await cluster.freshDatabase(), await cluster.freshDatabase()];
      const sqlite = await measure([new SqliteMessageStore({ file: join(dir, 's.db') })], 's');
      const pg1 = await measure([await openPostgresStore({ url: url1 })], 'p1');
      const pg2 = await measure(
        [await openPostgresStore({ url: url2 }), await openPostgresStore({ url: url2 })],
        'p2',
      );
      console.log(row('append, SQLite', sqlite[0], sqlite[0]));
      console.log(row('append, PostgreSQL 1 instance', pg1[0], sqlite[0]));
      console.log(row('append, PostgreSQL 2 instances', pg2[0], sqlite[0]));
      console.log(row('claim+2 transitions, SQLite', sqlite[1], sqlite[1]));
      console.log(row('claim+2 transitions, PG 1 instance', pg1[1], sqlite[1]));
      console.log(row('claim+2 transitions, PG 2 instances', pg2[1], sqlite[1]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
