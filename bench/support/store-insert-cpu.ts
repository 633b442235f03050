/**
 * `tsx bench/support/store-insert-cpu.ts`: CPU per row of the SQLite store's append on one thread
 * (SqliteWrites directly, `synchronous=OFF`, so the disk is out of it), 1,000-row `appendMany`
 * batches of CSV-row messages shaped as the file drop stores them. One variant per secondary
 * index dropped, one with migration 4's per-row FTS5 trigger put back, and the free-text catch-up
 * (decision 175) in chunks of CHUNK rows. The rows are made ready (`toAppendRow`) first, timed
 * apart: that work runs on the calling thread, not the writer's (decision 190). ROWS (default 20,000), ROUNDS (3), ONLY=a,b, CHUNK.
 * CPU time, not wall time: on the shared 2-core machine the rate moves with the load, CPU far less.
 * Then WAL bytes per row as shipped (decision 220): the `-wal` file's growth over WAL_ROWS rows
 * (default 50,000) in WAL_COMMIT-row commits (1,000: the file drop's batch) with checkpoints
 * off, one ordering key per row (KEYS distinct keys, default WAL_ROWS: a patient each) —
 * bytes, not time, so one pass is exact.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/store/sqlite/open.js';
import { SqliteWrites } from '../../src/store/sqlite/writes.js';
import { toAppendRow } from '../../src/store/sqlite/append-row.js';
import type { NewMessage } from '../../src/core/store-types.js';
import { hashSearchValue, orderingKeyFromHash } from '../../src/store/search-keys.js';

const ROWS = Number(process.env['ROWS'] ?? 20_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 3);
const CHUNK = Number(process.env['CHUNK'] ?? 1024);
const only = process.env['ONLY']?.split(',');
const WAL_ROWS = Number(process.env['WAL_ROWS'] ?? 50_000);
const WAL_COMMIT = Number(process.env['WAL_COMMIT'] ?? 1000);
const KEYS = Number(process.env['KEYS'] ?? WAL_ROWS);

function rowMessage(row: number, keys = 100): NewMessage {
  const i = row - 1;
  const nhs = `9${String(i % keys).padStart(9, '0')}`;
  const columns = { nhs_number: nhs, priority: 'ROUTINE', service: String(12000 + (i % 50)) };
  const hash = 'f'.repeat(64);
  const nhsHash = hashSearchValue(nhs);
  return {
    orderingKey: orderingKeyFromHash(nhsHash),
    searchKeys: { nhsNumberHash: nhsHash },
    channel: 'c',
    sender: 'file:/srv/drop/referrals',
    controlId: `${hash}:${row}`,
    contentHash: hash,
    contentType: 'application/x-csv-row+json',
    messageType: 'csv-row',
    raw: Buffer.from(
      JSON.stringify({ row, columns: { ...columns, comments: `Referral ${i}, see letter` } }),
    ),
    sourceMeta: { file: 'extract.csv', sha256: hash, row },
  };
}

const FTS_TRIGGER = `CREATE TRIGGER message_text_add AFTER INSERT ON messages WHEN new.raw IS NOT NULL
  BEGIN INSERT INTO message_text (rowid, body) VALUES (new.id, CAST(substr(new.raw, 1, 65536) AS TEXT)); END;`;
const variants: Record<string, string> = {
  'as shipped': '',
  '+ FTS5 trigger (v4)': FTS_TRIGGER,
  'no messages_type': 'DROP INDEX messages_type;',
  'no messages_file': 'DROP INDEX messages_file;',
  'no messages_received': 'DROP INDEX messages_received;',
  'no messages_status_id': 'DROP INDEX messages_status_id;',
  'no messages_key_active': 'DROP INDEX messages_key_active;',
  'no messages_claim': 'DROP INDEX messages_claim;',
};

const cpuUs = (from: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / ROWS;
};
const messages = Array.from({ length: Math.ceil(ROWS / 1000) }, (_, b) =>
  Array.from({ length: 1000 }, (_, k) => rowMessage(b * 1000 + k + 1)),
);
// What the calling thread does before a row crosses to the writer (decision 190): timed apart.
const prepStart = process.cpuUsage();
const batches = messages.map((batch) => batch.map(toAppendRow));
console.log(
  `rows made ready on the calling thread (toAppendRow): ${cpuUs(prepStart).toFixed(1)} µs CPU/row`,
);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [name, sql] of Object.entries(variants)) {
    if (only !== undefined && !only.includes(name)) continue;
    const dir = mkdtempSync(join(tmpdir(), 'ers-insert-cpu-'));
    const db = openDatabase(join(dir, 's.db'));
    try {
      migrate(db, Date.now());
      db.exec(sql);
      const writes = new SqliteWrites(db);
      db.pragma('synchronous = OFF');
      const start = process.cpuUsage();
      for (const items of batches) writes.execute({ op: 'appendMany', items, now: Date.now() });
      const append = cpuUs(start);
      let line = `${round} ${name.padEnd(24)} append ${append.toFixed(1).padStart(5)} µs CPU/row`;
      if (sql === '') {
        const before = process.cpuUsage();
        while (!writes.text.step(CHUNK));
        line += `, then free text in chunks of ${CHUNK}: ${cpuUs(before).toFixed(1)} µs CPU/row`;
      }
      console.log(line);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** WAL bytes per committed row as shipped, checkpoints off: what each commit writes and syncs. */
function walBytesPerRow(): number {
  const rows = Array.from({ length: WAL_ROWS }, (_, i) => toAppendRow(rowMessage(i + 1, KEYS)));
  const dir = mkdtempSync(join(tmpdir(), 'ers-insert-wal-'));
  const file = join(dir, 's.db');
  const db = openDatabase(file);
  try {
    migrate(db, Date.now());
    const writes = new SqliteWrites(db);
    db.pragma('synchronous = OFF');
    db.pragma('wal_autocheckpoint = 0');
    const before = statSync(`${file}-wal`).size;
    for (let k = 0; k < rows.length; k += WAL_COMMIT)
      writes.execute({ op: 'appendMany', items: rows.slice(k, k + WAL_COMMIT), now: Date.now() });
    return (statSync(`${file}-wal`).size - before) / rows.length;
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
if (WAL_ROWS > 0)
  console.log(
    `WAL as shipped: ${walBytesPerRow().toFixed(0)} bytes/row (${WAL_ROWS} rows, ${KEYS} ordering keys, ` +
      `${WAL_COMMIT}-row commits, checkpoints off)`,
  );
