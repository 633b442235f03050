import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { storeContract, msg, type StoreHarness } from './contract.js';
import { storeReliabilityContract } from './contract-reliability.js';
import { storeSearchContract } from './contract-search.js';

const dirs: string[] = [];
let n = 0;
function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ers-store-'));
  dirs.push(dir);
  return join(dir, `store-${n++}.db`);
}

const harness: StoreHarness = {
  open() {
    const file = freshFile();
    return Promise.resolve({
      store: new SqliteMessageStore({ file }),
      reopen: () => Promise.resolve(new SqliteMessageStore({ file })),
    });
  },
  cleanup() {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    return Promise.resolve();
  },
};
storeContract('SQLite', harness);
storeReliabilityContract('SQLite', harness);
storeSearchContract('SQLite', harness);

describe('SQLite store durability settings', () => {
  it('runs with synchronous=FULL even when an existing WAL database is reopened', async () => {
    const file = freshFile();
    await new SqliteMessageStore({ file }).close();
    // A plain reopen falls back to NORMAL (1): the store must not.
    const plain = new Database(file);
    expect(plain.pragma('synchronous', { simple: true })).to.equal(1);
    plain.close();
    const store = new SqliteMessageStore({ file });
    expect(await store.synchronousMode()).to.equal(2);
    await store.append(msg());
    await store.close();
  });

  it('claims without an fsync of their own, and goes back to synchronous=FULL for what follows', async () => {
    const store = new SqliteMessageStore({ file: freshFile() });
    try {
      const { id } = await store.append(msg());
      const claimed = await store.claim({
        owner: 'w1',
        channels: ['ch'],
        limit: 10,
        leaseMs: 60_000,
        now: Date.now(),
      });
      expect(claimed.map((m) => m.id)).to.deep.equal([id]);
      expect(await store.synchronousMode()).to.equal(2);
    } finally {
      await store.close();
    }
  });

  it('refuses to open a store migrated by a newer ers-bridge', async () => {
    const file = freshFile();
    await new SqliteMessageStore({ file }).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)').run();
    db.close();
    expect(() => new SqliteMessageStore({ file })).to.throw(/schema is version 999/);
  });

  it('refuses to rewrite the event history', async () => {
    const file = freshFile();
    const store = new SqliteMessageStore({ file });
    const { id } = await store.append(msg());
    await store.transition(id, { to: 'SENT', stage: 'test', actor: 'test' });
    await store.close();
    const db = new Database(file);
    expect(() => db.prepare('DELETE FROM events').run()).to.throw(/append-only/);
    expect(() => db.prepare("UPDATE events SET actor = 'someone else'").run()).to.throw(
      /append-only/,
    );
    db.close();
  });
});

describe('SQLite writer thread', () => {
  it('stores bodies byte-exact when they are views into one shared buffer (one socket read)', async () => {
    const store = new SqliteMessageStore({ file: freshFile() });
    // Three bodies sliced from one read, as the MLLP decoder hands them over, plus an empty one.
    const read = Buffer.from(
      '\x0bMSH|first\x1c\x0d\x0bMSH|second\xe9\x1c\x0d\x0bMSH|third\x1c\x0d',
      'latin1',
    );
    const original = Buffer.from(read);
    const bodies = [
      read.subarray(1, 10),
      read.subarray(13, 24),
      read.subarray(27, 36),
      Buffer.alloc(0),
    ];
    const appended = await Promise.all(
      bodies.map((raw, i) => store.append({ ...msg(), controlId: `packed-${i}`, raw })),
    );
    const many = await store.appendMany(
      bodies.map((raw, i) => ({ ...msg(), controlId: `packed-many-${i}`, raw })),
    );
    for (const [i, { id }] of [...appended, ...many].entries()) {
      const stored = await store.get(id);
      expect(stored?.raw?.toString('latin1')).to.equal(bodies[i % 4]?.toString('latin1'));
    }
    // The caller's buffer is untouched: only the packed copy crossed the thread.
    expect(read.equals(original)).to.equal(true);
    await store.close();
  });
});
