/**
 * What the search indexes of migration 4 cost the durable write path: `appendMany` of 1,000-row
 * batches (a file drop's shape) into a store with them, and into the same schema with them
 * dropped, interleaved in one run. HL7 bodies of ~700 bytes, as in search-data.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import type { MessageStore, NewMessage } from '../../src/core/store-types.js';
import { pgCluster } from '../../test/support/pg-cluster.js';
import { batches } from './search-data.js';

const ROUNDS = Number(process.env['BENCH_SEARCH_INSERT_ROUNDS'] ?? 3);
const BATCHES = 10;

const SQLITE_DROP = `DROP TRIGGER IF EXISTS message_text_add; DROP TRIGGER message_text_prune;
  DROP INDEX messages_type; DROP INDEX messages_file; DROP INDEX messages_received;`;
const PG_DROP = `DROP INDEX messages_type; DROP INDEX messages_file; DROP INDEX messages_received;
  DROP INDEX messages_text;`;

let tag = 0;
function messages(): NewMessage[][] {
  const out: NewMessage[][] = [];
  const t = tag++;
  for (const rows of batches(BATCHES * 1000, 1000, Date.now())) {
    out.push(
      rows.map((r) => ({
        channel: r.channel,
        sender: r.sender,
        controlId: `${t}-${r.controlId}`,
        contentType: r.contentType,
        raw: r.raw,
        orderingKey: r.orderingKey,
        messageType: r.messageType,
        sourceMeta: JSON.parse(r.sourceMeta) as Record<string, unknown>,
        searchKeys: r.searchKeys,
      })),
    );
  }
  return out;
}

async function rate(store: MessageStore): Promise<number> {
  const work = messages();
  const t = performance.now();
  for (const batch of work) await store.appendMany(batch);
  return (BATCHES * 1000) / ((performance.now() - t) / 1000);
}

/** Rows per second with and without the search indexes: [with, without], best of ROUNDS. */
export async function insertCost(): Promise<{ sqlite: [number, number]; pg: [number, number] }> {
  const dir = mkdtempSync(join(tmpdir(), 'ers-bench-search-ins-'));
  try {
    const [withFile, withoutFile] = [join(dir, 'with.db'), join(dir, 'without.db')];
    await new SqliteMessageStore({ file: withoutFile }).close();
    const raw = new Database(withoutFile);
    raw.exec(SQLITE_DROP);
    raw.close();
    const cluster = await pgCluster();
    const [pgWith, pgWithout] = [await cluster.freshDatabase(), await cluster.freshDatabase()];
    await (await openPostgresStore({ url: pgWithout })).close();
    const client = new pg.Client({ connectionString: pgWithout });
    await client.connect();
    await client.query(PG_DROP);
    await client.end();
    const stores = {
      sw: new SqliteMessageStore({ file: withFile }),
      so: new SqliteMessageStore({ file: withoutFile }),
      pw: await openPostgresStore({ url: pgWith }),
      po: await openPostgresStore({ url: pgWithout }),
    };
    const best = { sw: 0, so: 0, pw: 0, po: 0 };
    try {
      for (let i = 0; i < ROUNDS; i++) {
        for (const k of ['sw', 'so', 'pw', 'po'] as const)
          best[k] = Math.max(best[k], await rate(stores[k]));
      }
    } finally {
      for (const s of Object.values(stores)) await s.close();
    }
    return { sqlite: [best.sw, best.so], pg: [best.pw, best.po] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
