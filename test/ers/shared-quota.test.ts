import { expect } from 'chai';
import pino from 'pino';
import { SettingsSchema } from '../../src/core/settings.js';
import { ErsClient } from '../../src/ers/client.js';
import { createErsClient } from '../../src/ers/provider.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { openPostgresStore, type PostgresMessageStore } from '../../src/store/postgres/index.js';
import { pgCluster } from '../support/pg-cluster.js';
import { platformAs } from './support/sandbox-clients.js';

/**
 * Decision 205: two engine instances on one PostgreSQL store are two ErsClients with their own
 * limiters; the store's slot line makes them keep one quota together.
 */
describe('ers: the quota shared by instances through PostgreSQL (decision 205)', function () {
  this.timeout(60_000);
  const perMinute = 120;
  const interval = 60_000 / perMinute; // 500 ms
  let sandbox: RunningSandbox;
  let stores: PostgresMessageStore[] = [];

  before(async () => {
    sandbox = await startSandbox({ port: 0, world: 'legacy' });
  });
  after(() => sandbox.close());
  beforeEach(async () => {
    sandbox.state.reset();
    const url = await (await pgCluster()).freshDatabase();
    stores = [
      await openPostgresStore({ url, poolSize: 2 }),
      await openPostgresStore({ url, poolSize: 2 }),
    ];
  });
  afterEach(async () => {
    for (const s of stores) await s.close().catch(() => undefined);
  });

  const client = (quota: ConstructorParameters<typeof ErsClient>[0]['quota']): ErsClient =>
    new ErsClient({
      stu3Base: `${sandbox.url}/FHIR/STU3`,
      auth: platformAs('REFERRING_CLINICIAN'),
      requestsPerMinute: perMinute,
      timeoutMs: 5000,
      quota,
    });

  /** Three reads at once from each client (a missing referral: a 404, logged like any call). */
  async function burst(clients: readonly ErsClient[]): Promise<number[]> {
    const calls = clients.flatMap((c) =>
      [0, 1, 2].map(() => c.execute('A005', { ubrn: '000000090000' }).catch(() => undefined)),
    );
    await Promise.all(calls);
    return sandbox.state.requests.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
  }

  const gaps = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

  it('spaces the calls of two instances together at the configured rate', async () => {
    const [a, b] = stores as [PostgresMessageStore, PostgresMessageStore];
    const times = await burst([client({ shared: a }), client({ shared: b })]);
    expect(times).to.have.length(6);
    // The log's time is when each answer finished, so one answer slower than the next shortens
    // the gap between them by that much: the span over all six holds the full sum, each gap
    // allows some handling jitter. Without the shared line both clients start at once.
    expect(times.at(-1)! - times[0]!, 'five intervals from first to last').to.be.at.least(
      5 * interval - 20,
    );
    for (const gap of gaps(times)) expect(gap).to.be.at.least(interval - 50);
  });

  it("gives the e-RS service of each engine on PostgreSQL the store's line", async () => {
    const settings = SettingsSchema.parse({ ers: { requestsPerMinute: perMinute } });
    const services = (store: PostgresMessageStore) => ({
      store,
      settings,
      logger: pino({ level: 'silent' }),
      clock: Date.now,
      sandbox: { url: sandbox.url },
    });
    const clients = stores.map((s) => createErsClient(services(s)));
    if (!clients.every((c): c is ErsClient => c instanceof ErsClient))
      throw new Error(`no e-RS client: ${String(clients.find((c) => typeof c === 'string'))}`);
    const times = await burst(clients);
    expect(times).to.have.length(6);
    expect(times.at(-1)! - times[0]!).to.be.at.least(5 * interval - 20);
  });

  it("falls back to the instance's own line when the database cannot answer, and says so once", async () => {
    const [a] = stores as [PostgresMessageStore];
    await a.close(); // its pool is ended: every slot query fails
    const told: string[] = [];
    const times = await burst([client({ shared: a, onSharedLine: (state) => told.push(state) })]);
    expect(told).to.deep.equal(['down']);
    expect(times).to.have.length(3);
    expect(times.at(-1)! - times[0]!).to.be.at.least(2 * interval - 20);
  });
});
