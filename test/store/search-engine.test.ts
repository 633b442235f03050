/**
 * Search through a real engine, real sources and the real sandbox, on both stores (issue 19):
 * the UBRN an e-RS create answered with finds the message that created it, and a CSV row dropped
 * on the share is found by its NHS number, its file and its row.
 */
import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nhsNumberHash } from '../../src/admin/service/message-query.js';
import { frameMllp } from '../../src/sources/mllp/index.js';
import type { MessageStore, StoredMessage } from '../../src/core/store-types.js';
import { copyMappings } from '../mapping/e2e-support.js';
import { exchange } from '../sources/mllp/support.js';
import {
  createHarness,
  endpointPort,
  eventually,
  type Harness,
} from '../support/engine-harness.js';
import { pgCluster } from '../support/pg-cluster.js';

const REPO = process.cwd();

const channels = (drop: string): Record<string, string> => ({
  'pas-inbound.yaml': `id: pas-inbound
source: { type: mllp, host: 127.0.0.1, port: 0 }
transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }
destinations:
  - { name: ers, type: ers }
`,
  'csv.yaml': `id: csv-referrals
source: { type: file, folder: ${drop}, format: csv, pollIntervalMs: 50, stableMs: 0 }
transformer: { type: mapping, mappings: [mappings/csv-referral-a021.yaml] }
destinations:
  - { name: ers, type: ers }
`,
});

const CSV = [
  'nhs_number,priority,service_code,specialty_code,clinic_type,local_reference,referral_date,notes',
  '9434765919,R,SVC-00123,300,CLINIC-TYPE-2,LOCREF-000900,20261125,',
  '991 200 3888,U,SVC-00123,300,CLINIC-TYPE-2,LOCREF-000901,20261125,',
  '',
].join('\n');

const finished = (m: StoredMessage | undefined): boolean =>
  m !== undefined && ['SENT', 'ERROR', 'NEEDS_REVIEW', 'DEAD'].includes(m.status);

const stores: readonly (readonly [string, () => Promise<string>])[] = [
  ['SQLite', () => Promise.resolve('')],
  ['PostgreSQL', async () => `store: ${await (await pgCluster()).freshDatabase()}\n`],
];

for (const [name, storeSetting] of stores) {
  describe(`search through the engine and the sandbox: ${name}`, function () {
    this.timeout(90_000);
    let h: Harness;
    let drop: string;
    beforeEach(() => {
      h = createHarness();
      copyMappings(h);
      // A021 needs a triage service: 11004 in NHS's test world (the default seed).
      writeFileSync(
        join(h.configDir, 'mappings', 'tables', 'service.yaml'),
        'unmapped: error\nentries:\n  SVC-00123: "11004"\n',
      );
      drop = join(h.dir, 'drop');
      mkdirSync(drop);
      for (const [file, yaml] of Object.entries(channels(drop))) h.writeChannel(file, yaml);
    });
    afterEach(() => h.cleanup());

    const start = async () =>
      h.start(`sandbox: { enabled: true, port: 0 }\n${await storeSetting()}`);

    const byUbrn = async (store: MessageStore, ubrn: string): Promise<number[]> =>
      (await store.list({ searchKey: { name: 'ubrn', value: ubrn } })).map((m) => m.id);

    it('finds the message whose A021 created a UBRN by that UBRN', async () => {
      const running = await start();
      const mllp = running.engine.channels().find((c) => c.id === 'pas-inbound');
      const port = endpointPort(mllp?.source?.endpoint);
      const ref = readFileSync(join(REPO, 'samples', 'ref-i12-a021', 'input.hl7'), 'utf8');
      await exchange(port, [frameMllp(ref)], { expect: 1 });
      const [summary] = await running.store.list({ channel: 'pas-inbound' });
      const m = await eventually(async () => {
        const got = await running.store.get(summary?.id ?? 0);
        return finished(got) ? got : undefined;
      }, 30_000);
      expect(m.status, JSON.stringify(m.error)).to.equal('SENT');
      const ubrn = (m.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn;
      expect(ubrn).to.match(/^\d{12}$/);
      // The body carried no UBRN: only the e-RS answer names it.
      expect(ref).not.to.include(ubrn);
      expect(await byUbrn(running.store, ubrn)).to.deep.equal([m.id]);
    });

    it('finds a dropped CSV row by its NHS number (written with spaces), file and row', async () => {
      const running = await start();
      writeFileSync(join(drop, 'week49.csv'), CSV);
      const rows = await eventually(async () => {
        const list = await running.store.list({ channel: 'csv-referrals' });
        const all = await Promise.all(list.map((s) => running.store.get(s.id)));
        return all.length === 2 && all.every(finished) ? all : undefined;
      }, 30_000);
      const second = rows.find((r) => r?.sourceMeta['row'] === 2);
      expect(second, 'row 2 stored').to.not.equal(undefined);
      const nhs = { name: 'nhsNumberHash', value: nhsNumberHash('9912003888') };
      expect((await running.store.list({ searchKey: nhs })).map((m) => m.id)).to.deep.equal([
        second?.id,
      ]);
      expect(
        (await running.store.list({ file: 'week49.csv', fileRow: 2 })).map((m) => m.id),
      ).to.deep.equal([second?.id]);
      expect(await running.store.list({ file: 'week49.csv' })).to.have.length(2);
      // Its referral's UBRN, learned from the A021 answer, finds it too.
      expect(second?.status, JSON.stringify(second?.error)).to.equal('SENT');
      const ers = second?.destinationResults['ers'] as { output: { ubrn: string } };
      expect(await byUbrn(running.store, ers.output.ubrn)).to.deep.equal([second?.id]);
    });
  });
}
