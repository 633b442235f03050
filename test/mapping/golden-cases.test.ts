import { expect } from 'chai';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMappingTests } from '../../src/mapping/index.js';
import { runCli } from '../cli/support.js';

const REPO = process.cwd();
const ID = 'ref-i12-a021';

/** The shipped REF^I12 mapping with its tables and samples (main sample and cases) in a temp folder. */
function site() {
  const dir = mkdtempSync(join(tmpdir(), 'ers-golden-'));
  cpSync(join(REPO, 'mappings', 'tables'), join(dir, 'mappings', 'tables'), { recursive: true });
  cpSync(join(REPO, 'mappings', `${ID}.yaml`), join(dir, 'mappings', `${ID}.yaml`));
  cpSync(join(REPO, 'samples', ID), join(dir, 'samples', ID), { recursive: true });
  const sample = (...p: string[]) => join(dir, 'samples', ID, ...p);
  const json = (...p: string[]) => JSON.parse(readFileSync(sample(...p), 'utf8')) as unknown;
  const write = (value: unknown, ...p: string[]) => {
    writeFileSync(sample(...p), `${JSON.stringify(value, null, 2)}\n`);
  };
  return { dir, mapping: join(dir, 'mappings', `${ID}.yaml`), sample, json, write };
}

describe('mapping test: several samples, expected errors, warnings, structural diffs', () => {
  let s: ReturnType<typeof site>;
  beforeEach(() => {
    s = site();
  });
  afterEach(() => {
    rmSync(s.dir, { recursive: true, force: true });
  });

  it('runs the main sample and every case, including the expected-error one', async () => {
    const [r] = await runMappingTests([s.mapping]);
    expect(r?.failures).to.deep.equal([]);
    expect(r?.samples).to.equal(3);
    expect(s.json('cases', 'unknown-priority', 'expected-error.json')).to.deep.equal({
      code: 'MAP_UNMAPPED_CODE',
      at: 'RF1-2.1',
      rule: `${ID}.yaml:13:3`,
    });
  });

  it('reports one removed field as one path, not forty lines', async () => {
    const fhir = s.json('expected-fhir.json') as { body: { parameter: Record<string, unknown>[] } };
    const removed = fhir.body.parameter.pop();
    s.write(fhir, 'expected-fhir.json');
    const [r] = await runMappingTests([s.mapping]);
    expect(r?.passed).to.equal(false);
    expect(r?.mismatches).to.have.length(1);
    expect(r?.mismatches[0]).to.deep.include({ sample: ID, file: 'expected-fhir.json' });
    expect(r?.mismatches[0]?.diffs).to.deep.equal([
      { path: `$.body.parameter[${fhir.body.parameter.length}]`, kind: 'added', after: removed },
    ]);
    expect(r?.failures[0]?.split('\n')).to.have.length(2);
  });

  it('asserts the code, field and rule of an expected-error sample', async () => {
    s.write(
      { code: 'MAP_INVALID_VALUE', at: 'RF1-2.1', rule: `${ID}.yaml:9:3` },
      'cases',
      'unknown-priority',
      'expected-error.json',
    );
    const [r] = await runMappingTests([s.mapping]);
    expect(r?.mismatches.map((m) => [m.sample, m.file, m.diffs.map((d) => d.path)])).to.deep.equal([
      [`${ID}/cases/unknown-priority`, 'expected-error.json', ['$.code', '$.rule']],
    ]);
  });

  it('fails an expected-error sample the mapping accepts', async () => {
    const input = s.sample('cases', 'unknown-priority', 'input.hl7');
    writeFileSync(input, readFileSync(input, 'utf8').replace('Z^Unknown', 'U^Urgent'));
    const [r] = await runMappingTests([s.mapping]);
    expect(r?.failures).to.deep.equal([
      `${ID}/cases/unknown-priority: expected-error.json says the mapping refuses this message, but it mapped it`,
    ]);
  });

  it('asserts the warnings a sample records', async () => {
    s.write(['unread: RF1-1'], 'expected-warnings.json');
    const [r] = await runMappingTests([s.mapping]);
    expect(r?.mismatches[0]?.file).to.equal('expected-warnings.json');
    expect(r?.mismatches[0]?.diffs.length).to.be.greaterThan(5);
  });

  it('turns a new case with only its input into an expected-error sample on --update', async () => {
    mkdirSync(s.sample('cases', 'bad-nhs-number'));
    const input = readFileSync(s.sample('input.hl7'), 'utf8')
      .replace('PAS0000201', 'PAS0000299')
      .replace('9912003888^^^NHS^NH', '9912003889^^^NHS^NH');
    writeFileSync(s.sample('cases', 'bad-nhs-number', 'input.hl7'), input);
    const [before] = await runMappingTests([s.mapping]);
    expect(before?.failures[0]).to.match(/^ref-i12-a021\/cases\/bad-nhs-number: MAP_INVALID_VALUE/);
    const [updated] = await runMappingTests([s.mapping], { update: true });
    expect(updated?.updated).to.deep.equal([
      s.sample('cases', 'bad-nhs-number', 'expected-error.json'),
    ]);
    expect(s.json('cases', 'bad-nhs-number', 'expected-error.json')).to.deep.include({
      code: 'MAP_INVALID_VALUE',
      at: 'PID-3[CX.5=NH].1',
    });
    expect(existsSync(s.sample('cases', 'bad-nhs-number', 'expected-inputs.json'))).to.equal(false);
    const [after] = await runMappingTests([s.mapping]);
    expect(after?.passed).to.equal(true);
  });

  it('ers-bridge mapping test prints the sample count and one line per difference', async function () {
    this.timeout(60_000);
    const inputs = s.json('cases', 'urgent-respiratory', 'expected-inputs.json') as Record<
      string,
      unknown
    >;
    inputs['priority'] = 'ROUTINE';
    s.write(inputs, 'cases', 'urgent-respiratory', 'expected-inputs.json');
    const r = await runCli(['mapping', 'test', s.mapping]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include(`FAIL ref-i12-a021 (${s.mapping}, 3 samples)`);
    expect(r.stdout).to.include(
      [
        '     ref-i12-a021/cases/urgent-respiratory/expected-inputs.json:',
        '       ~ $.priority: "ROUTINE" → "URGENT"',
      ].join('\n'),
    );
    expect(r.stdout.trimEnd().endsWith('0 passed, 1 failed')).to.equal(true);
  });
});
