import { expect } from 'chai';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import {
  compileMappingText,
  evaluateMapping,
  type CompiledMapping,
} from '../../src/mapping/index.js';

const TABLES = join(process.cwd(), 'mappings', 'tables');

/** A014's free-text `comments` input carries the transformed value. */
function mappingWith(transforms: string, from = 'ZRF-4'): CompiledMapping {
  const text = [
    'id: transform-probe',
    'input: hl7v2',
    'operation: A014',
    'inputs:',
    '  ubrn: { from: ZRF-2 }',
    '  version: { const: "1" }',
    '  reason: { const: PROVIDER_REJECT_OTHER }',
    `  comments: { from: ${from}, transforms: ${transforms} }`,
    '',
  ].join('\n');
  const r = compileMappingText(text, { file: 't.yaml', tablesDir: TABLES });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.mapping;
}

async function valueOf(transforms: string, zrf4: string): Promise<unknown> {
  const raw = `MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125091500||RRI^I12|C1|P|2.4\rZRF|1|000000070000||${zrf4}\r`;
  const run = await evaluateMapping(mappingWith(transforms), raw, 'application/hl7-v2');
  if (run.kind !== 'mapped') throw new Error('not mapped');
  return run.input['comments'];
}

async function errorOf(transforms: string, zrf4: string): Promise<EngineError> {
  try {
    await valueOf(transforms, zrf4);
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('mapping transforms', () => {
  it('turns an HL7 date into a FHIR date', async () => {
    expect(await valueOf('[date]', '20261125')).to.equal('2026-11-25');
  });

  it('reads a winter HL7 timestamp without offset as Europe/London GMT', async () => {
    expect(await valueOf('[dateTime]', '20261125091500')).to.equal('2026-11-25T09:15:00+00:00');
  });

  it('reads a summer HL7 timestamp without offset as Europe/London BST', async () => {
    expect(await valueOf('[dateTime]', '20260701091500')).to.equal('2026-07-01T09:15:00+01:00');
  });

  it('keeps the instant of an HL7 timestamp with an explicit offset', async () => {
    expect(await valueOf('[dateTime]', '20260701091500+0000')).to.equal(
      '2026-07-01T10:15:00+01:00',
    );
  });

  it('keeps the fraction of a second of an HL7 timestamp (e-RS slot times carry milliseconds)', async () => {
    expect(await valueOf('[dateTime]', '20210522092532.562')).to.equal(
      '2021-05-22T09:25:32.562+01:00',
    );
    expect(await valueOf('[dateTime]', '20210522082532.5+0000')).to.equal(
      '2021-05-22T09:25:32.500+01:00',
    );
  });

  it('refuses a value that is not an HL7 date with MAP_INVALID_VALUE', async () => {
    const e = await errorOf('[date]', '2026-13-45');
    expect(e.code).to.equal('MAP_INVALID_VALUE');
  });

  it('normalises an NHS number with spaces and checks its check digit', async () => {
    expect(await valueOf('[nhsNumber]', '991 200 3888')).to.equal('9912003888');
    expect((await errorOf('[nhsNumber]', '9912003889')).code).to.equal('MAP_INVALID_VALUE');
  });

  it('pads on the left with zeros by default', async () => {
    expect(await valueOf('[{ pad: { length: 6 } }]', '42')).to.equal('000042');
  });

  it('splits, then joins, a delimited value', async () => {
    expect(await valueOf("[{ split: ',' }, { join: '/' }]", 'a, b,,c')).to.equal('a/b/c');
  });

  it('changes case and trims', async () => {
    expect(await valueOf('[trim, upper]', ' routine ')).to.equal('ROUTINE');
    expect(await valueOf('[lower]', 'ROUTINE')).to.equal('routine');
  });

  it('fills an empty value with its default and fails a required empty one', async () => {
    expect(await valueOf('[{ default: ROUTINE }]', '')).to.equal('ROUTINE');
    expect((await errorOf('[required]', '')).code).to.equal('MAP_REQUIRED_FIELD_MISSING');
  });

  it('looks a code up in a table and refuses an unmapped code when the rule is error', async () => {
    expect(await valueOf('[{ table: priority }]', 'U')).to.equal('URGENT');
    expect((await errorOf('[{ table: priority }]', 'SOMEDAY')).code).to.equal('MAP_UNMAPPED_CODE');
  });

  it('evaluates a JSONata expression over the value', async () => {
    expect(await valueOf("[{ jsonata: '$substring($value, 0, 3)' }]", 'abcdef')).to.equal('abc');
  });
});
