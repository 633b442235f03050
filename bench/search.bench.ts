/**
 * Page 1 (50 messages, newest first) of each search kind over a million stored messages, in
 * SQLite and in PostgreSQL, through `MessageStore.list` (the code the API, CLI and dashboard
 * run). The goal (issue 19): every kind answers in < 200 ms. Figures: median and p95 of RUNS
 * timed runs after one warm-up, and the ratio of each median to the unfiltered page 1 of the
 * same store in the same run. The data is bulk-loaded, not sent through the engine
 * (bench/support/search-data.ts). BENCH_SEARCH_N changes the size (default 1,000,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { hashSearchValue } from '../src/store/search-keys.js';
import { SqliteMessageStore } from '../src/store/sqlite/index.js';
import type { MessageFilter, MessageStore } from '../src/core/store-types.js';
import { pgCluster } from '../test/support/pg-cluster.js';
import type { Benchmark } from './run.js';
import { insertCost } from './support/search-insert-cost.js';
import {
  DAY,
  FILE_ROWS,
  fileOf,
  loadPostgres,
  loadSqlite,
  nhsOf,
  surname,
  ubrnOf,
} from './support/search-data.js';

const TOTAL = Number(process.env['BENCH_SEARCH_N'] ?? 1_000_000);
const RUNS = Number(process.env['BENCH_SEARCH_RUNS'] ?? 15);
/** `postgres` skips SQLite (its rows show 0), e.g. to measure a PostgreSQL change alone. */
const ONLY = process.env['BENCH_SEARCH_ONLY'];
/** BENCH_SEARCH_INSERTS=0 skips the write-cost comparison. */
const INSERTS = process.env['BENCH_SEARCH_INSERTS'] !== '0';
const START = Date.UTC(2026, 10, 1);
const END = START + 30 * DAY;

/** Each search kind, as the admin API turns a person's query into a store filter. */
const SEARCHES: readonly (readonly [string, MessageFilter])[] = [
  ['baseline: page 1, no filter', {}],
  ['channel + status ERROR', { channel: 'pas-inbound', status: ['ERROR'] }],
  ['UBRN (created long ago)', { searchKey: { name: 'ubrn', value: ubrnOf(1234) } }],
  [
    'NHS number (~5 messages)',
    { searchKey: { name: 'nhsNumberHash', value: hashSearchValue(nhsOf(4242)) } },
  ],
  ['type, any case (common)', { messageType: 'ref^i12' }],
  ['type, any case (rare, 0.06%)', { messageType: 'adt^a31' }],
  ['file (oldest file)', { file: fileOf(0) }],
  ['file + row', { file: fileOf(0), fileRow: FILE_ROWS / 2 + 1 }],
  [
    'received in 1 h, 20 days ago',
    { receivedFrom: END - 20 * DAY, receivedTo: END - 20 * DAY + 3_600_000 },
  ],
  ['received in the last 7 days', { receivedFrom: END - 7 * DAY }],
  [
    'since 7 d + channel + ERROR',
    { receivedFrom: END - 7 * DAY, channel: 'pas-inbound', status: ['ERROR'] },
  ],
  ['text: rare surname (~90)', { text: surname(777).toLowerCase() }],
  ['text: common surname (10%)', { text: 'smith' }],
  ['text: two words', { text: `${surname(777)} john` }],
  ['text: in every HL7 body', { text: 'chest pain' }],
  ['text + channel + status', { text: 'smith', channel: 'pas-inbound', status: ['ERROR'] }],
];

interface Timing {
  readonly median: number;
  readonly p95: number;
  readonly rows: number;
}

async function time(store: MessageStore, filter: MessageFilter): Promise<Timing> {
  const page = { ...filter, limit: 50 };
  const rows = (await store.list(page)).length; // warm-up
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await store.list(page);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number): number => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? 0;
  return { median: at(0.5), p95: at(0.95), rows };
}

async function timeAll(store: MessageStore, tag: string): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const [label, filter] of SEARCHES) {
    const t = await time(store, filter);
    // Progress on stderr: a slow kind shows before the table.
    process.stderr.write(
      `${tag} ${label}: median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms\n`,
    );
    out.push(t);
  }
  return out;
}

const cell = (t: Timing, base: Timing): string =>
  `${t.median.toFixed(1).padStart(7)} ${t.p95.toFixed(1).padStart(7)} ${(t.median / base.median).toFixed(1).padStart(6)}x`;

const benchmark: Benchmark = {
  name: `search: page 1 of each kind over ${TOTAL.toLocaleString('en-GB')} messages, SQLite and PostgreSQL`,
  async run() {
    if (INSERTS) {
      const cost = await insertCost();
      const line = (name: string, [withIdx, without]: readonly [number, number]): string =>
        `${name}: ${withIdx.toFixed(0)} rows/s with the search indexes, ${without.toFixed(0)} without = ${(withIdx / without).toFixed(2)}x`;
      console.log('appendMany, 1,000-row batches (durable), best of rounds:');
      console.log(`  ${line('SQLite', cost.sqlite)}`);
      console.log(`  ${line('PostgreSQL', cost.pg)}`);
    }
    if (TOTAL === 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-search-'));
    try {
      const file = join(dir, 'search.db');
      await new SqliteMessageStore({ file, writerThread: false }).close(); // migrations
      let t = performance.now();
      if (ONLY !== 'postgres') loadSqlite(file, TOTAL, START);
      const sqliteLoad = (performance.now() - t) / 1000;
      const cluster = await pgCluster();
      const url = await cluster.freshDatabase();
      await (await openPostgresStore({ url })).close(); // migrations
      t = performance.now();
      const indexMs = await loadPostgres(url, TOTAL, START);
      const pgLoad = (performance.now() - t) / 1000;
      console.log(
        `bulk load (not through the engine): SQLite ${sqliteLoad.toFixed(0)} s with its FTS5 trigger; ` +
          `PostgreSQL ${pgLoad.toFixed(0)} s, of which ${(indexMs / 1000).toFixed(0)} s building the search indexes after the load`,
      );
      const sqlite = new SqliteMessageStore({ file });
      const sqliteTimes =
        ONLY === 'postgres'
          ? SEARCHES.map(() => ({ median: 0, p95: 0, rows: 0 }))
          : await timeAll(sqlite, 'SQLite').finally(() => sqlite.close());
      if (ONLY === 'postgres') await sqlite.close();
      const postgres = await openPostgresStore({ url });
      const pgTimes = await timeAll(postgres, 'PostgreSQL').finally(() => postgres.close());
      const [sBase, pBase] = [sqliteTimes[0], pgTimes[0]] as [Timing, Timing];
      console.log(`ms per page 1 (50 rows), ${RUNS} runs: median, p95, and median / baseline`);
      console.log(
        `${'search'.padEnd(32)} ${'rows'.padStart(4)} | SQLite med     p95  ratio | PG med     p95  ratio`,
      );
      SEARCHES.forEach(([label], i) => {
        const s = sqliteTimes[i] as Timing;
        const p = pgTimes[i] as Timing;
        const rows = s.rows === p.rows ? String(s.rows) : `${s.rows}/${p.rows}`;
        const slow = s.p95 >= 200 || p.p95 >= 200 ? '  <- over 200 ms' : '';
        console.log(
          `${label.padEnd(32)} ${rows.padStart(4)} | ${cell(s, sBase)} | ${cell(p, pBase)}${slow}`,
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default benchmark;
