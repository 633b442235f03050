import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, eventually, type Harness } from '../support/engine-harness.js';
import { copyMappings } from './e2e-support.js';

const channel = (folder: string) => `id: csv-referrals
name: Referral extract from the share
source:
  type: file
  folder: ${folder}
  format: csv
  pollIntervalMs: 50
  stableMs: 0
transformer:
  type: mapping
  mappings: [mappings/csv-referral-a021.yaml]
destinations:
  - { name: ers, type: ers }
retry: { maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 50, jitterRatio: 0 }
`;

const CSV = [
  'nhs_number,priority,service_code,specialty_code,clinic_type,local_reference,referral_date,notes',
  '991 200 3888,U,SVC-00124,320,CLINIC-TYPE-2,LOCREF-000456,20261125,',
  '9912003897,R,SVC-00124,320,CLINIC-TYPE-2,LOCREF-000457,20261125,',
  '',
].join('\n');

describe('CSV referral extract dropped on the share → A021 per row (shipped mapping, sandbox)', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    copyMappings(h);
    // A021 needs a triage service: 11004 in NHS's test world (the default seed).
    writeFileSync(
      join(h.configDir, 'mappings', 'tables', 'service.yaml'),
      'unmapped: error\nentries:\n  SVC-00124: "11004"\n',
    );
  });
  afterEach(() => h.cleanup());

  it('creates a referral for a good row and refuses the row with a bad NHS number', async () => {
    const drop = join(h.dir, 'drop');
    mkdirSync(drop);
    h.writeChannel('csv.yaml', channel(drop));
    const running = await h.start('sandbox: { enabled: true, port: 0 }\n');
    writeFileSync(join(drop, 'referrals.csv'), CSV);
    const final = await eventually(async () => {
      const list = await running.store.list({});
      const done = list.filter((m) => m.status === 'SENT' || m.status === 'ERROR');
      return list.length === 2 && done.length === 2 ? list : undefined;
    }, 20_000);
    const byStatus = Object.fromEntries(final.map((m) => [m.status, m]));
    const sent = await running.store.get(byStatus['SENT']!.id);
    const refused = await running.store.get(byStatus['ERROR']!.id);
    expect((sent?.destinationResults['ers'] as { output: { ubrn: string } }).output.ubrn).to.match(
      /^\d{12}$/,
    );
    expect((sent?.mappedInput as { input: { nhsNumber: string } }).input.nhsNumber).to.equal(
      '9912003888',
    );
    expect(refused?.error?.code).to.equal('MAP_INVALID_VALUE');
  });
});
