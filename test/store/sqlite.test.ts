import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';
import { storeContract, msg } from './contract.js';

const dirs: string[] = [];
let n = 0;
function freshFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ers-store-'));
  dirs.push(dir);
  return join(dir, `store-${n++}.db`);
}

storeContract('SQLite', {
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
});

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
