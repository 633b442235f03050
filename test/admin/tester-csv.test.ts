import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminHarness } from './support/admin-harness.js';
import type { Client } from './support/http-client.js';
import { startTesterHarness, tryMapping } from './support/tester.js';
import { testerBody } from '../../src/admin/views/tester.js';

const root = join(import.meta.dirname, '..', '..');
const CSV = readFileSync(join(root, 'samples/files/referrals.csv'), 'utf8');
/** The sample extract and a third row whose service code the table does not know. */
const WITH_UNKNOWN_SERVICE = `${CSV.trimEnd()}\n9912003888,R,SVC-99999,300,CLINIC-TYPE-2,LOCREF-000999,20261125,\n`;

describe('admin mapping tester: CSV extracts and the mapping list', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    ({ h, api } = await startTesterHarness());
  });
  after(async () => {
    await h.close();
  });
  const tryCsv = (message: string) =>
    tryMapping(api, { mapping: 'mappings/csv-referral-a021.yaml', message });

  it('offers mappings only: no letter templates, no tables', async () => {
    const { mappings } = (await api.get('/api/mappings')).json<{ mappings: string[] }>();
    expect(mappings).to.include('mappings/csv-referral-a021.yaml');
    expect(mappings.filter((m) => m.includes('letters/') || m.includes('tables/'))).to.deep.equal(
      [],
    );
    // The config does hold letter templates (rendered by the letter destination, not mappings).
    expect(existsSync(join(h.configDir, 'mappings/letters/appointment-request.yaml'))).to.equal(
      true,
    );
  });

  it('maps every row of a pasted CSV file (header and rows, CRLF as a browser sends it)', async () => {
    const r = await tryCsv(CSV.replace(/\n/g, '\r\n'));
    expect(r.errors).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(r.operation).to.equal('A021');
    expect(r.input?.['nhsNumber']).to.equal('9912003888');
    expect(r.rows?.map((x) => [x.row, x.ok])).to.deep.equal([
      [1, true],
      [2, true],
    ]);
  });

  it('shows the row that fails, with the field and the mapping rule', async () => {
    const r = await tryCsv(WITH_UNKNOWN_SERVICE);
    expect(r.ok).to.equal(false);
    expect(r.rows?.map((x) => x.ok)).to.deep.equal([true, true, false]);
    expect(r.errors[0]).to.deep.include({
      code: 'MAP_UNMAPPED_CODE',
      at: 'service_code',
      rule: 'mappings/csv-referral-a021.yaml:18:3',
    });
    expect(r.rows?.[2]?.errors[0]).to.deep.include({
      code: 'MAP_UNMAPPED_CODE',
      rule: 'mappings/csv-referral-a021.yaml:18:3',
    });
  });

  it("renders each row's verdict and the failing rule on the tester page", async () => {
    const result = await tryCsv(WITH_UNKNOWN_SERVICE);
    const principal = { user: 'operator', role: 'operator', via: 'token' } as const;
    const page = testerBody({ principal, mappings: [], result }).toString();
    expect(page).to.include('Rows: 2 mapped, 1 with problems.');
    expect(page).to.include('row 3:\n            MAP_UNMAPPED_CODE service_code');
    expect(page).to.include('(mapping rule <code>mappings/csv-referral-a021.yaml:18:3</code>)');
  });

  it('still takes one stored row as JSON', async () => {
    const row = readFileSync(join(root, 'samples/csv-referral-a021/input.json'), 'utf8');
    const r = await tryCsv(row);
    expect(r.ok).to.equal(true);
    expect(r.rows).to.equal(undefined);
  });
});
