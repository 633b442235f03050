/**
 * The file store's writer thread commits with synchronous=NORMAL and answers only after its own
 * fdatasync of the WAL covers the commit (decision 210). Real files and threads: a gate file
 * holds the writer's syncs (a test hook) so "committed but not yet synced" can be observed.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { EngineError } from '../../../src/core/errors.js';
import { msg } from '../contract.js';
import { earlyReplies } from './sync-log.js';

describe('SQLite writer thread: answers after a covering WAL sync', () => {
  let dir: string;
  let stores: SqliteMessageStore[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-wal-sync-'));
    stores = [];
  });
  afterEach(async () => {
    writeFileSync(join(dir, 'gate'), '');
    for (const s of stores) await s.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (hooks: { gate?: boolean } = {}): SqliteMessageStore => {
    const store = new SqliteMessageStore({
      file: join(dir, 'store.db'),
      syncTestHooks: {
        log: true,
        ...(hooks.gate === true ? { gateFile: join(dir, 'gate') } : {}),
      },
    });
    stores.push(store);
    return store;
  };

  /** Polls a main-thread read (no sync involved) until the writer's commit is visible. */
  async function visible(store: SqliteMessageStore, n: number): Promise<void> {
    for (;;) {
      const counts = await store.countByStatus('ch');
      if ((counts.ch?.RECEIVED ?? 0) >= n) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  function settled(p: Promise<unknown>): { done: boolean } {
    const state = { done: false };
    void p.then(
      () => (state.done = true),
      () => (state.done = true),
    );
    return state;
  }

  it('does not settle an append that is committed until a sync started after it completes', async () => {
    const store = open({ gate: true });
    expect(await store.synchronousMode()).to.equal(1);
    const append = store.append(msg({ controlId: 'HELD' }));
    const state = settled(append);
    await visible(store, 1);
    // Committed (another connection sees it), the sync held at the gate: not "stored" yet.
    await new Promise((r) => setTimeout(r, 20));
    expect(state.done).to.equal(false);
    writeFileSync(join(dir, 'gate'), '');
    const { id } = await append;
    expect(id).to.be.a('number');
    const { early, checked } = earlyReplies(await store.syncLogForTest());
    expect(checked).to.be.greaterThan(0);
    expect(early).to.deep.equal([]);
  });

  it('holds a duplicate found by a read until a sync covers every commit before it', async () => {
    const store = open({ gate: true });
    const append = store.append(msg({ controlId: 'DUP' }));
    await visible(store, 1);
    const found = store.findByControlId('ch', 'PAS^RX1', 'DUP');
    const state = settled(found);
    await new Promise((r) => setTimeout(r, 20));
    expect(state.done).to.equal(false);
    writeFileSync(join(dir, 'gate'), '');
    expect((await found)?.controlId).to.equal('DUP');
    await append;
  });

  it('pipelines appends, transitions and claims and answers none before its covering sync', async () => {
    const store = open();
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.append(msg({ controlId: `P${i}` }))),
    );
    const claimed = await store.claim({
      owner: 'w',
      channels: ['ch'],
      limit: 50,
      leaseMs: 60_000,
      now: Date.now(),
    });
    expect(claimed).to.have.length(50);
    await Promise.all(
      claimed.map((m) =>
        store.transition(m.id, { to: 'SENT', stage: 'destination', actor: 'w', leaseOwner: 'w' }),
      ),
    );
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.append(msg({ controlId: `Q${i}` }))),
    );
    expect(ids).to.have.length(200);
    const { early, checked } = earlyReplies(await store.syncLogForTest());
    expect(checked).to.be.greaterThan(3);
    expect(early).to.deep.equal([]);
  });

  it('refuses the write loudly when the WAL file is gone, and every write after it', async () => {
    const store = open();
    await store.append(msg({ controlId: 'BEFORE' }));
    unlinkSync(join(dir, 'store.db-wal'));
    const failed = await store.append(msg({ controlId: 'AFTER' })).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(EngineError);
    expect((failed as EngineError).code).to.equal('STORE_UNAVAILABLE');
    expect((failed as Error).message).to.match(/WAL file .* is gone/);
    const later = await store.append(msg({ controlId: 'LATER' })).catch((e: unknown) => e);
    expect((later as EngineError).code).to.equal('STORE_UNAVAILABLE');
    expect((await store.health()).ok).to.equal(false);
  });
});
