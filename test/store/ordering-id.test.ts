import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { MessageStore, NewMessage } from '../../src/core/store-types.js';
import { orderingIdOf, sqliteOrderingIdSql } from '../../src/store/ordering-id.js';
import { orderingKeyOf } from '../../src/store/search-keys.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../../src/store/sqlite/migrations.js';
import { openDatabase } from '../../src/store/sqlite/open.js';
import { msg } from './contract.js';

/** The claim's per-key index holds an integer (docs/decisions/220-ordering-id.md). */
const HASHED = orderingKeyOf('9912003801');
const KEYS = [
  HASHED,
  orderingKeyOf('9912003802'),
  'f'.repeat(32), // the top bit set: a negative id
  '0'.repeat(32),
  'K',
  '',
  'legacy-key',
  'ÉLODIE-Ærø 😀',
  'ABCDEF0123456789ABCDEF0123456789', // hex, but not as our sources write it
];

describe('store: ordering ids', () => {
  it('takes the first 8 bytes of a hashed key, signed, and hashes any other key first', () => {
    expect(orderingIdOf('0123456789abcdef' + '0'.repeat(16))).to.equal(0x0123456789abcdefn);
    expect(orderingIdOf('f'.repeat(32))).to.equal(-1n);
    expect(orderingIdOf('8' + '0'.repeat(31))).to.equal(-(2n ** 63n));
    expect(orderingIdOf(HASHED)).to.equal(BigInt.asIntN(64, BigInt(`0x${HASHED.slice(0, 16)}`)));
    expect(orderingIdOf('K')).to.equal(orderingIdOf('K'));
    expect(new Set(KEYS.map(orderingIdOf)).size).to.equal(KEYS.length);
    // A key stored in clear before keys were hashed (docs/file-drop.md) queues with its hashed
    // form: the hash of the one is the other.
    expect(orderingIdOf('9912003801')).to.equal(orderingIdOf(HASHED));
  });

  it('computes the same id in SQLite SQL as the appending thread does', () => {
    const db = openDatabase(':memory:');
    try {
      const select = db
        .prepare(`SELECT ${sqliteOrderingIdSql('k')} AS id FROM (SELECT ? AS k)`)
        .pluck()
        .safeIntegers();
      for (const key of KEYS) expect(select.get(key), key).to.equal(orderingIdOf(key));
    } finally {
      db.close();
    }
  });
});

interface OldRow {
  readonly controlId: string;
  readonly key: string | null;
  readonly status: 'RECEIVED' | 'QUEUED' | 'SENT';
  readonly file?: string;
}

/** A store as the previous schema left it: two keys mid-flight, a finished key, file records. */
const OLD_ROWS: readonly OldRow[] = [
  { controlId: 'o1', key: HASHED, status: 'QUEUED' },
  { controlId: 'o2', key: HASHED, status: 'RECEIVED', file: 'extract.csv' },
  { controlId: 'o3', key: 'legacy-key', status: 'RECEIVED' },
  { controlId: 'o4', key: 'legacy-key', status: 'RECEIVED' },
  { controlId: 'o5', key: 'L', status: 'SENT', file: 'extract.csv' },
  { controlId: 'o6', key: null, status: 'RECEIVED', file: 'other.csv' },
];
const oldParams = (r: OldRow): unknown[] => [
  r.controlId,
  Buffer.from(`body ${r.controlId}`),
  r.key,
  JSON.stringify(r.file === undefined ? {} : { file: r.file, row: 1 }),
  r.status,
];

/** What the upgraded store must show; ids are 1..6 in OLD_ROWS order. */
async function checkUpgraded(store: MessageStore): Promise<void> {
  const claim = async (): Promise<string[]> =>
    (await store.claim({ owner: 'w', channels: ['ch'], limit: 10, leaseMs: 60_000, now: 1 })).map(
      (m) => m.controlId ?? '',
    );
  const done = (id: number): Promise<boolean> =>
    store.transition(id, { to: 'SENT', stage: 'test', actor: 'test', leaseOwner: 'w' });
  const more = (controlId: string, orderingKey: string): NewMessage =>
    msg({ controlId, orderingKey, raw: Buffer.from(controlId) });

  // Messages and their file records kept, keys read back as they were written.
  const kept = await Promise.all(OLD_ROWS.map((_, i) => store.get(i + 1)));
  expect(kept.map((m) => [m?.controlId, m?.orderingKey, m?.raw?.toString()])).to.deep.equal(
    OLD_ROWS.map((r) => [r.controlId, r.key, `body ${r.controlId}`]),
  );
  expect((await store.list({ file: 'extract.csv' })).map((m) => m.controlId)).to.deep.equal([
    'o5',
    'o2',
  ]);
  // New messages of the same keys, appended after the upgrade, queue behind the old ones.
  await store.appendMany([more('n7', HASHED), more('n8', 'legacy-key'), more('n9', 'L')]);
  expect(await claim()).to.deep.equal(['o1', 'o3', 'o6', 'n9']);
  expect(await done(1)).to.equal(true);
  expect(await claim()).to.deep.equal(['o2']);
  expect(await done(3)).to.equal(true);
  expect(await claim()).to.deep.equal(['o4']);
  expect(await done(2)).to.equal(true);
  expect(await claim()).to.deep.equal(['n7']);
  // A finished message of before, sent again, is active again and ahead of its key.
  expect(await done(9)).to.equal(true);
  await store.append(more('n10', 'L'));
  expect(await store.reprocess(5, { actor: 'test', force: true })).to.include({ ok: true });
  expect(await claim()).to.deep.equal(['o5']);
}

describe('store: upgrading to the integer ordering id', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('SQLite: keeps messages, their order per key and file lookups across migration 7', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ers-ordering-id-'));
    dirs.push(dir);
    const file = join(dir, 'store.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.function('ers_sha256_hex', (_raw: unknown) => null);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    for (const m of SQLITE_MIGRATIONS.filter((m) => m.version < 7)) {
      old.exec(m.sql);
      old
        .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)')
        .run(m.version);
    }
    const insert = old.prepare(
      `INSERT INTO messages (channel, sender, control_id, content_type, raw, ordering_key,
         source_meta, status, received_at, updated_at) VALUES ('ch', 'PAS', ?, 'text/plain', ?, ?,
         ?, ?, 1, 1)`,
    );
    for (const r of OLD_ROWS) insert.run(...oldParams(r));
    old.close();

    const store = new SqliteMessageStore({ file, indexTextWhenIdle: false });
    try {
      expect(await store.schemaVersion()).to.equal(SQLITE_SCHEMA_VERSION);
      await checkUpgraded(store);
    } finally {
      await store.close();
    }
  });

  it('SQLite: the claim looks up a key in the integer index', () => {
    const db = openDatabase(':memory:');
    try {
      db.exec(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
      );
      for (const m of SQLITE_MIGRATIONS) db.exec(m.sql);
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT 1 FROM messages p WHERE p.ordering_id = ? AND p.id < ?
             AND p.status IN ('RECEIVED','TRANSFORMED','QUEUED')`,
        )
        .all(1n, 10) as { detail: string }[];
      expect(plan.map((p) => p.detail).join('\n')).to.match(
        /SEARCH p USING (COVERING )?INDEX messages_key_active \(ordering_id=\? AND (rowid|id)<\?\)/,
      );
    } finally {
      db.close();
    }
  });
});
