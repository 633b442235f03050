import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import { parseWithFormats } from '../../src/mapping/dates.js';
import { compileMappingFile, evaluateMapping } from '../../src/mapping/index.js';
import { runCli } from '../cli/support.js';

const REPO = process.cwd();

/** A trust's extract: dd/MM/yyyy dates (some written d/M/yyyy) for the pathway start (A011). */
const MAPPING = [
  'id: csv-dates',
  'input: csv',
  'operation: A011',
  'inputs:',
  '  nhsNumber: { from: nhs_number, transforms: [trim, nhsNumber], required: true }',
  '  priority: { from: priority, table: priority, required: true }',
  '  serviceIds: { from: service_code, table: service, required: true }',
  '  eReferralPathwayStart:',
  '    from: referral_date',
  '    transforms: [trim, { dateTime: [dd/MM/yyyy, d/M/yyyy] }]', // line 10
  'ignore: [local_reference]',
].join('\n');

const CSV = [
  'nhs_number,priority,service_code,referral_date,local_reference',
  '9912003888,R,SVC-00124,25/11/2026,L1',
  '9912003888,R,SVC-00124,1/7/2026,L2',
  '9912003888,R,SVC-00124,31/02/2026,L3',
  '9912003888,R,SVC-00124,12/31/2026,L4',
].join('\n');

const row = (n: number, date: string): string =>
  JSON.stringify({
    row: n,
    columns: {
      nhs_number: '9912003888',
      priority: 'R',
      service_code: 'SVC-00124',
      referral_date: date,
      local_reference: 'L',
    },
  });

describe('date transform with explicit input formats (strict, luxon)', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-dates-'));
    cpSync(join(REPO, 'mappings', 'tables'), join(dir, 'mappings', 'tables'), { recursive: true });
    file = join(dir, 'mappings', 'csv-dates.yaml');
    writeFileSync(file, `${MAPPING}\n`);
    writeFileSync(join(dir, 'referrals.csv'), `${CSV}\n`);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (date: string) =>
    evaluateMapping(compileMappingFile(file), row(7, date), 'application/x-csv-row+json');

  it('reads dd/MM/yyyy as a London date and sends it with its offset', async () => {
    const r = await run('25/11/2026');
    if (r.kind !== 'mapped') throw new Error('filtered');
    expect(r.input['eReferralPathwayStart']).to.equal('2026-11-25T00:00:00+00:00');
    expect(r.lineage['eReferralPathwayStart']).to.equal(
      'csv:referral_date → dateTime:dd/MM/yyyy|d/M/yyyy',
    );
  });

  it('tries the formats in order (1/7/2026 fits d/M/yyyy, in summer time)', async () => {
    const r = await run('1/7/2026');
    expect(r.kind === 'mapped' && r.input['eReferralPathwayStart']).to.equal(
      '2026-07-01T00:00:00+01:00',
    );
  });

  for (const [value, why] of [
    ['31/02/2026', 'you specified 31 (of type number) as a day, which is invalid'],
    ['12/31/2026', 'you specified 31 (of type number) as a month, which is invalid'],
  ] as const) {
    it(`refuses the impossible date ${value}, naming the value, the column, the row and the rule`, async () => {
      const error = await run(value).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(EngineError);
      const e = error as EngineError;
      expect(e.code).to.equal('MAP_INVALID_VALUE');
      expect(e.message).to.equal(
        `referral_date (row 7): "${value}" is not a date in any of dd/MM/yyyy, d/M/yyyy (${why})`,
      );
      expect(e.at).to.equal('referral_date');
      expect(e.context).to.include({
        rule: 'mappings/csv-dates.yaml:8:3',
        input: 'eReferralPathwayStart',
        row: 7,
      });
    });
  }

  it('parses strictly: no trailing text, no two-digit year for yyyy, no swapped fields', () => {
    for (const v of ['25/11/2026x', '25/11/26', '2026-11-25', ' 25/11/2026'])
      expect(parseWithFormats(v, ['dd/MM/yyyy'], 'date'), v).to.have.property('problem');
    expect(parseWithFormats('25/11/2026', ['dd/MM/yyyy'], 'date')).to.deep.equal({
      value: '2026-11-25',
    });
  });

  it('refuses a format with no month (dd/mm/yyyy: mm is minutes) at compile time', () => {
    writeFileSync(file, `${MAPPING.replace('[dd/MM/yyyy, d/M/yyyy]', '[dd/mm/yyyy]')}\n`);
    try {
      expect(() => compileMappingFile(file)).to.throw(
        EngineError,
        `${file}:10:37: format "dd/mm/yyyy" has no month (MM); mm is minutes`,
      );
    } finally {
      writeFileSync(file, `${MAPPING}\n`);
    }
  });

  it('ers-bridge mapping run maps every row of a CSV file and names the rows it refuses', async function () {
    this.timeout(60_000);
    const r = await runCli(['mapping', 'run', file, join(dir, 'referrals.csv')]);
    expect(r.code, r.stderr).to.equal(1);
    const rows = r.stdout.split(/^── /m).slice(1);
    expect(rows.map((x) => x.split('\n')[0])).to.deep.equal([
      'row 1 ──',
      'row 2 ──',
      'row 3 ──',
      'row 4 ──',
    ]);
    expect(rows[0]).to.include('eReferralPathwayStart = "2026-11-25T00:00:00+00:00"');
    expect(rows[1]).to.include('eReferralPathwayStart = "2026-07-01T00:00:00+01:00"');
    expect(rows[2]).to.include(
      `error MAP_INVALID_VALUE at referral_date (rule eReferralPathwayStart, mappings/csv-dates.yaml:8:3):`,
    );
    expect(rows[2]).to.include('referral_date (row 3): "31/02/2026" is not a date');
    expect(rows[3]).to.include('referral_date (row 4): "12/31/2026" is not a date');
  });
});
