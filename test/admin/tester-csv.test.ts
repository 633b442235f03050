import { expect } from 'chai';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAdminHarness, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import type { TesterRun } from '../../src/admin/service/mapping-tester.js';
import { testerBody } from '../../src/admin/views/tester.js';

const root = join(import.meta.dirname, '..', '..');
const CSV = readFileSync(join(root, 'samples/files/referrals.csv'), 'utf8');

interface Row {
  row: number | null;
  ok: boolean;
  errors: { code: string; at?: string; rule?: string }[];
}
interface TesterReply {
  ok: boolean;
  operation: string | null;
  input: Record<string, unknown> | null;
  errors: { code: string; message: string; at?: string; rule?: string }[];
  rows?: Row[];
}

describe('admin mapping tester: CSV extracts and the mapping list', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  let api: Client;
  before(async () => {
    h = await startAdminHarness();
    cpSync(join(root, 'mappings'), join(h.configDir, 'mappings'), { recursive: true });
    api = new Client(h.url, h.tokens.operator);
  });
  after(async () => {
    await h.close();
  });

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
    const r = (
      await api.post('/api/mapping-test', {
        mapping: 'mappings/csv-referral-a021.yaml',
        message: CSV.replace(/\n/g, '\r\n'),
      })
    ).json<TesterReply>();
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
    const bad = `${CSV.trimEnd()}\n9912003888,R,SVC-99999,300,CLINIC-TYPE-2,LOCREF-000999,20261125,\n`;
    const r = (
      await api.post('/api/mapping-test', {
        mapping: 'mappings/csv-referral-a021.yaml',
        message: bad,
      })
    ).json<TesterReply>();
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
    const bad = `${CSV.trimEnd()}\n9912003888,R,SVC-99999,300,CLINIC-TYPE-2,LOCREF-000999,20261125,\n`;
    const result = (
      await api.post('/api/mapping-test', {
        mapping: 'mappings/csv-referral-a021.yaml',
        message: bad,
      })
    ).json<TesterRun>();
    const principal = { user: 'operator', role: 'operator', via: 'token' } as const;
    const page = testerBody({ principal, mappings: [], result }).toString();
    expect(page).to.include('Rows: 2 mapped, 1 with problems.');
    expect(page).to.include('row 3:\n            MAP_UNMAPPED_CODE service_code');
    expect(page).to.include('(mapping rule <code>mappings/csv-referral-a021.yaml:18:3</code>)');
  });

  it('still takes one stored row as JSON', async () => {
    const row = readFileSync(join(root, 'samples/csv-referral-a021/input.json'), 'utf8');
    const r = (
      await api.post('/api/mapping-test', {
        mapping: 'mappings/csv-referral-a021.yaml',
        message: row,
      })
    ).json<TesterReply>();
    expect(r.ok).to.equal(true);
    expect(r.rows).to.equal(undefined);
  });
});
