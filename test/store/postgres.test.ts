import { expect } from 'chai';
import pg from 'pg';
import {
  openPostgresStore,
  PG_SCHEMA_VERSION,
  withServerSetting,
} from '../../src/store/postgres/index.js';
import type { MessageStore, StoredMessage } from '../../src/core/store-types.js';
import { freePort } from '../support/engine-process.js';
import { pgCluster } from '../support/pg-cluster.js';
import { msg, storeContract, type StoreHarness } from './contract.js';
import { storeReliabilityContract } from './contract-reliability.js';

const open = (url: string): Promise<MessageStore> => openPostgresStore({ url, poolSize: 4 });

async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

const harness: StoreHarness = {
  async open() {
    const url = await (await pgCluster()).freshSchemaUrl();
    return { store: await open(url), reopen: () => open(url) };
  },
  cleanup: () => Promise.resolve(),
};
storeContract('PostgreSQL', harness);
storeReliabilityContract('PostgreSQL', harness);

describe('PostgreSQL store: several instances on one database', () => {
  let url: string;
  let a: MessageStore;
  let b: MessageStore;
  beforeEach(async () => {
    url = await (await pgCluster()).freshSchemaUrl();
    [a, b] = [await open(url), await open(url)];
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('never lets two instances hold the same message or two messages of one key at once', async () => {
    const keys = 12;
    for (let i = 0; i < 240; i++) {
      await (i % 2 === 0 ? a : b).append(msg({ controlId: `m${i}`, orderingKey: `k${i % keys}` }));
    }
    const active = new Set<string>();
    const processed: StoredMessage[] = [];
    const problems: string[] = [];
    const worker = async (store: MessageStore, owner: string): Promise<void> => {
      for (let idle = 0; idle < 20;) {
        const batch = await store.claim({
          owner,
          channels: ['ch'],
          limit: 4,
          leaseMs: 60_000,
          now: Date.now(),
        });
        if (batch.length === 0) {
          idle++;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        idle = 0;
        await Promise.all(
          batch.map(async (m) => {
            const key = m.orderingKey ?? '';
            if (active.has(key)) problems.push(`key ${key} held twice (message ${m.id})`);
            active.add(key);
            await new Promise((r) => setImmediate(r));
            processed.push(m);
            active.delete(key);
            const ok = await store.transition(m.id, {
              to: 'SENT',
              stage: 'test',
              actor: owner,
              leaseOwner: owner,
            });
            if (!ok) problems.push(`lease of ${m.id} lost`);
          }),
        );
      }
    };
    await Promise.all([worker(a, 'a'), worker(b, 'b'), worker(a, 'a2'), worker(b, 'b2')]);
    expect(problems).to.deep.equal([]);
    const ids = processed.map((m) => m.id);
    expect(new Set(ids).size).to.equal(240);
    expect(ids).to.have.length(240);
    for (let k = 0; k < keys; k++) {
      const order = processed.filter((m) => m.orderingKey === `k${k}`).map((m) => m.id);
      expect(order, `key k${k} out of order`).to.deep.equal([...order].sort((x, y) => x - y));
    }
  });

  it('gives a message whose lease expired to another instance and refuses the first owner', async () => {
    const { id } = await a.append(msg());
    const now = Date.now();
    expect(
      await a.claim({ owner: 'a', channels: ['ch'], limit: 1, leaseMs: 1000, now }),
    ).to.have.length(1);
    expect(
      await b.claim({ owner: 'b', channels: ['ch'], limit: 1, leaseMs: 1000, now }),
    ).to.have.length(0);
    const later = await b.claim({
      owner: 'b',
      channels: ['ch'],
      limit: 1,
      leaseMs: 1000,
      now: now + 1500,
    });
    expect(later.map((m) => m.id)).to.deep.equal([id]);
    expect(
      await a.transition(id, { to: 'SENT', stage: 't', actor: 'a', leaseOwner: 'a' }),
    ).to.equal(false);
    expect(
      await b.transition(id, { to: 'SENT', stage: 't', actor: 'b', leaseOwner: 'b' }),
    ).to.equal(true);
  });

  it('stores a message sent to both instances at once only once', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? a : b).append(msg({ controlId: `d${i >> 1}` })),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).to.equal(20);
    expect(results.filter((r) => r.duplicateOf !== undefined)).to.have.length(20);
    expect((await a.countByStatus())['ch']?.RECEIVED).to.equal(20);
  });

  it('reprocesses from one instance a message another instance finished', async () => {
    const { id } = await a.append(msg());
    await a.transition(id, { to: 'SENT', stage: 't', actor: 'a' });
    expect(await b.reprocess(id, { actor: 'user:ops' })).to.deep.include({ ok: true });
    expect((await a.get(id))?.status).to.equal('RECEIVED');
  });

  it('runs a cluster-once job on one instance only while it holds the lock', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const first = a.runExclusive!('retention', async () => {
      started();
      await held;
    });
    await running;
    expect(await b.runExclusive!('retention', () => Promise.resolve())).to.equal(false);
    expect(await b.runExclusive!('other-job', () => Promise.resolve())).to.equal(true);
    release();
    expect(await first).to.equal(true);
    expect(await b.runExclusive!('retention', () => Promise.resolve())).to.equal(true);
  });
});

describe('PostgreSQL store: group commit', () => {
  let store: MessageStore;
  beforeEach(async () => {
    store = await open(await (await pgCluster()).freshSchemaUrl());
  });
  afterEach(() => store.close());

  it('answers a control id repeated within one batch with the first message, or flags its reuse', async () => {
    const [first, again, reused] = await Promise.all([
      store.append(msg({ controlId: 'same' })),
      store.append(msg({ controlId: 'same' })),
      store.append(msg({ controlId: 'same', raw: Buffer.from('second') })),
    ]);
    expect(again.duplicateOf?.id).to.equal(first.id);
    expect(reused.controlIdReused?.firstId).to.equal(first.id);
    expect((await store.get(first.id))?.raw?.toString()).to.equal('MSH|^~\\&|PAS');
    expect((await store.get(reused.id))?.raw?.toString()).to.equal('second');
  });

  it('applies two changes of one message submitted together in the order given', async () => {
    const { id } = await store.append(msg());
    const results = await Promise.all([
      store.transition(id, { to: 'TRANSFORMED', stage: 'one', actor: 't', keepLease: true }),
      store.transition(id, { to: 'SENT', stage: 'two', actor: 't', patch: { reply: 'ACK' } }),
    ]);
    expect(results).to.deep.equal([true, true]);
    const m = await store.get(id);
    expect([m?.status, m?.reply]).to.deep.equal(['SENT', 'ACK']);
    expect((await store.events(id)).map((e) => e.stage)).to.deep.equal(['source', 'one', 'two']);
  });
});

describe('PostgreSQL store: durability', () => {
  it('commits with synchronous_commit on even when the connection asks for off', async () => {
    const url = await (await pgCluster()).freshSchemaUrl();
    const store = await openPostgresStore({
      url: withServerSetting(url, 'synchronous_commit=off'),
    });
    try {
      expect(await store.synchronousCommit()).to.equal('on');
      const { id } = await store.append(msg());
      expect((await store.get(id))?.status).to.equal('RECEIVED');
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL store: schema', () => {
  it('migrates once when instances start together', async () => {
    const url = await (await pgCluster()).freshSchemaUrl();
    const stores = await Promise.all([open(url), open(url), open(url)]);
    for (const s of stores) expect(await s.schemaVersion()).to.equal(PG_SCHEMA_VERSION);
    for (const s of stores) await s.close();
    const { rows } = await sql(url, 'SELECT version FROM schema_migrations');
    expect(rows).to.have.length(PG_SCHEMA_VERSION);
  });

  it('refuses to open a store migrated by a newer ers-bridge', async () => {
    const url = await (await pgCluster()).freshSchemaUrl();
    await (await open(url)).close();
    await sql(url, 'INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)');
    let error: unknown;
    await open(url).catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('STORE_SCHEMA_TOO_NEW');
    expect((error as Error).message).to.match(/schema is version 999/);
  });

  it('tells the operator to migrate when asked not to migrate an old schema', async () => {
    const url = await (await pgCluster()).freshSchemaUrl();
    let error: unknown;
    await openPostgresStore({ url, migrate: false }).catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('STORE_SCHEMA_OUTDATED');
    expect((error as Error).message).to.match(/ers-bridge migrate/);
  });

  it('refuses to rewrite the event history', async () => {
    const url = await (await pgCluster()).freshSchemaUrl();
    const store = await open(url);
    const { id } = await store.append(msg());
    await store.transition(id, { to: 'SENT', stage: 'test', actor: 'test' });
    await store.close();
    let error: unknown;
    await sql(url, "UPDATE events SET actor = 'someone else'").catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/append-only/);
    error = undefined;
    await sql(url, 'DELETE FROM audit').catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/append-only/);
  });

  it('reports an unreachable server as STORE_UNAVAILABLE without the password', async () => {
    const url = `postgres://ers:secret@127.0.0.1:${await freePort()}/nowhere`;
    let error: unknown;
    await open(url).catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('STORE_UNAVAILABLE');
    expect((error as Error).message).to.not.include('secret');
  });
});
