import { expect } from 'chai';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { MessageStore } from '../../src/core/store-types.js';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import { pgCluster } from '../support/pg-cluster.js';

/** Holds a cluster-once lock from "another instance" until release() is called. */
function holdLock(store: MessageStore, name: string): { release(): void; done: Promise<boolean> } {
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  let ready: () => void = () => undefined;
  const taken = new Promise<void>((r) => (ready = r));
  const done = store.runExclusive!(name, async () => {
    ready();
    await held;
  });
  return { release, done: taken.then(() => done) };
}

describe('engine: cluster-once schedules on PostgreSQL', () => {
  let h: Harness;
  let other: MessageStore;
  let url: string;
  beforeEach(async () => {
    h = createHarness();
    url = await (await pgCluster()).freshDatabase();
    other = await openPostgresStore({ url, poolSize: 4 });
  });
  const locks: { release(): void }[] = [];
  afterEach(async () => {
    for (const l of locks.splice(0)) l.release();
    await h.cleanup();
    await other.close();
  });

  it('skips cron ticks and retention runs while another instance holds their lock', async function () {
    this.timeout(30_000);
    h.writeChannel(
      'poll.yaml',
      "id: poll\nsource: { type: cron, schedule: '* * * * * *' }\ndestinations:\n  - { name: out, type: file, folder: out }\n",
    );
    const cron = holdLock(other, 'cron:poll');
    const retention = holdLock(other, 'retention');
    locks.push(cron, retention);
    const running = await h.start(
      `store: "${url}"\nretention: { schedule: '* * * * * *', bodyDays: 1 }\n`,
    );
    const { id } = await other.append({
      channel: 'old',
      sender: 's',
      contentType: 'text/plain',
      raw: Buffer.from('old body'),
    });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query("UPDATE messages SET received_at = 0, status = 'SENT' WHERE id = $1", [id]);
      const tick = (): unknown => running.engine.channels()[0]?.source?.detail?.['lastTick'];
      await eventually(() => tick() !== null && tick() !== undefined);
      const first = tick();
      await eventually(() => tick() !== first); // at least one whole tick ran while locked
      expect(await running.store.list({ channel: 'poll' })).to.have.length(0);
      expect((await running.store.get(id))?.raw?.toString()).to.equal('old body');

      cron.release();
      retention.release();
      expect(await cron.done).to.equal(true);
      await eventually(async () => (await running.store.list({ channel: 'poll' })).length > 0);
      await eventually(async () => (await running.store.get(id))?.raw === null);
    } finally {
      await db.end();
    }
  });
});
