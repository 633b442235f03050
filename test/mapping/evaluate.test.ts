import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import {
  compileMappingText,
  evaluateMapping,
  type CompiledMapping,
  type MappingRun,
} from '../../src/mapping/index.js';

const HL7 = 'application/hl7-v2';

/** A REF^I12 with the fields the test mappings read; `pid3` and `rf1` vary per test. */
function ref(
  opts: { pid3?: string; priority?: string; service?: string; extra?: string } = {},
): string {
  return [
    'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125091500||REF^I12|C1|P|2.4',
    `RF1|P|${opts.priority ?? 'R'}|||`,
    `PID|1||${opts.pid3 ?? '9912003888^^^NHS^NH~RXX0012345^^^RXX01^MR'}||Smith^Jane`,
    `ZRF|1||${opts.service ?? 'SVC-1'}|300|CT1${opts.extra ?? ''}`,
  ].join('\r');
}

const BASE = `id: t
input: hl7v2
when: MSH-9.1 = REF
operation: A021
inputs:
  nhsNumber: { from: "PID-3[CX.5=NH].1", transforms: [nhsNumber], required: true }
  priority: { from: RF1-2.1, table: priority }
  serviceIds: { from: ZRF-3, table: service }
`;

describe('mapping: evaluation', () => {
  let dir: string;
  const compile = (text: string): CompiledMapping => {
    const r = compileMappingText(text, { file: 'm.yaml', tablesDir: join(dir, 'tables') });
    if (!r.ok)
      throw new Error(r.issues.map((i) => `${i.line}:${i.column} ${i.message}`).join('\n'));
    return r.mapping;
  };
  const mapped = async (
    m: CompiledMapping,
    raw: string,
  ): Promise<Extract<MappingRun, { kind: 'mapped' }>> => {
    const r = await evaluateMapping(m, raw, HL7);
    if (r.kind !== 'mapped') throw new Error(r.reason);
    return r;
  };
  const failure = async (m: CompiledMapping, raw: string): Promise<EngineError> => {
    try {
      await evaluateMapping(m, raw, HL7);
    } catch (error) {
      if (error instanceof EngineError) return error;
      throw error;
    }
    throw new Error('expected the mapping to fail');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-map-'));
    mkdirSync(join(dir, 'tables'));
    writeFileSync(
      join(dir, 'tables', 'priority.yaml'),
      'unmapped: error\nentries: { R: ROUTINE, U: URGENT }\n',
    );
    writeFileSync(join(dir, 'tables', 'service.csv'), 'local,ers\nSVC-1,90636\n');
    writeFileSync(
      join(dir, 'tables', 'clinic.yaml'),
      'unmapped: default\ndefault: GENERAL_ADULT_1\nentries: { CT1: HEART_FAILURE }\n',
    );
    // Table values are e-RS codes of the input they feed (checked at compile time).
    writeFileSync(
      join(dir, 'tables', 'specialty.yaml'),
      'unmapped: passthrough\nentries: { 301: GI_AND_LIVER_MEDICINE_AND_SURGERY }\n',
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('picks the NHS-numbered repetition of PID-3 and the table codes', async () => {
    const r = await mapped(compile(BASE), ref());
    expect(r.input).to.include({ nhsNumber: '9912003888', priority: 'ROUTINE' });
    expect(r.input['serviceIds']).to.deep.equal(['90636']);
  });

  it('records for each value the path and table it came from', async () => {
    const r = await mapped(
      compile(`${BASE}  letterIntention: { const: NOT_INTENDING_TO_ADD }\n`),
      ref(),
    );
    expect(r.lineage).to.deep.equal({
      nhsNumber: 'hl7v2:PID-3[CX.5=NH].1',
      priority: 'hl7v2:RF1-2.1 → table:priority',
      serviceIds: 'hl7v2:ZRF-3 → table:service',
      letterIntention: 'const',
      // Filled in by the operation's own schema (zod defaults): traced to it, not left blank.
      ageAndGenderAppropriate: 'default:A021',
      firstReminderLetterFollowUpDays: 'default:A021',
    });
  });

  it('warns about every populated field no rule read, except ignored segments', async () => {
    const r = await mapped(compile(BASE), ref());
    expect(r.warnings).to.include.members([
      'unread: RF1-1',
      'unread: PID-5',
      'unread: ZRF-4',
      'unread: ZRF-5',
    ]);
    expect(r.warnings).not.to.include('unread: PID-3');
    const ignoring = await mapped(compile(`${BASE}ignore: [PID, RF1-1, ZRF]\n`), ref());
    expect(ignoring.warnings).to.deep.equal([]);
  });

  it('names each unread field once in message order, from the reads made for this message only', async () => {
    const raw = `${ref()}\rZRF|2||SVC-1|301|CT2|X`;
    const readsZrf4 = compile(
      BASE.replace('inputs:\n', 'inputs:\n  specialty: { from: ZRF-4, table: specialty }\n'),
    );
    const all = ['RF1-1', 'PID-1', 'PID-5', 'ZRF-1', 'ZRF-4', 'ZRF-5', 'ZRF-6'];
    // Alternating, so a field one mapping read on the last message must show up again.
    for (let i = 0; i < 2; i++) {
      const narrow = await mapped(readsZrf4, raw);
      expect(narrow.warnings).to.deep.equal(
        all.filter((f) => f !== 'ZRF-4').map((f) => `unread: ${f}`),
      );
      const wide = await mapped(compile(BASE), raw);
      expect(wide.warnings).to.deep.equal(all.map((f) => `unread: ${f}`));
    }
  });

  it('reports a missing required value with the path it was read from', async () => {
    const e = await failure(compile(BASE), ref({ pid3: 'RXX0012345^^^RXX01^MR' }));
    expect(e.code).to.equal('MAP_REQUIRED_FIELD_MISSING');
    expect(e.at).to.equal('PID-3[CX.5=NH].1');
  });

  it('refuses an NHS number with a wrong check digit as an invalid value', async () => {
    const e = await failure(compile(BASE), ref({ pid3: '9912003889^^^NHS^NH' }));
    expect(e.code).to.equal('MAP_INVALID_VALUE');
    expect(e.at).to.equal('PID-3[CX.5=NH].1');
  });

  it('refuses a value the operation schema rejects, naming the input', async () => {
    const text = BASE.replace(
      'priority: { from: RF1-2.1, table: priority }',
      'priority: { from: RF1-2.1 }',
    );
    const e = await failure(compile(text), ref({ priority: 'LATER' }));
    expect(e.code).to.equal('MAP_INVALID_VALUE');
    expect(e.at).to.equal('RF1-2.1');
    expect(e.message).to.contain('priority');
  });

  it('fails on a code missing from a table whose rule is error', async () => {
    const e = await failure(compile(BASE), ref({ priority: 'Q' }));
    expect(e.code).to.equal('MAP_UNMAPPED_CODE');
    expect(e.at).to.equal('RF1-2.1');
  });

  it('uses the table default for an unmapped code when the rule is default', async () => {
    const r = await mapped(
      compile(`${BASE}  clinicType: { from: ZRF-5, table: clinic }\n`),
      ref({ extra: 'X' }),
    );
    expect(r.input['clinicType']).to.equal('GENERAL_ADULT_1');
  });

  it('passes an unmapped code through when the mapping overrides the rule', async () => {
    const text = `${BASE}  clinicType: { from: ZRF-5, table: { name: clinic, unmapped: passthrough } }\n`;
    const r = await mapped(compile(text), ref({ extra: 'X' }));
    expect(r.input['clinicType']).to.equal('CT1X');
  });

  it('filters a message the mapping-level condition does not hold for', async () => {
    const r = await evaluateMapping(
      compile(BASE.replace('MSH-9.1 = REF', '{ path: MSH-9.2, equals: I13 }')),
      ref(),
      HL7,
    );
    expect(r.kind).to.equal('filtered');
  });

  it('skips a rule whose own condition is false and applies a default instead of an empty value', async () => {
    const text = `${BASE}  specialty: { from: ZRF-4, when: "$priority = URGENT", default: CARDIOLOGY }\n  clinicType: { from: ZRF-9, default: GENERAL_ADULT_1 }\n`;
    const r = await mapped(compile(text), ref());
    expect(r.input).not.to.have.property('specialty');
    expect(r.input['clinicType']).to.equal('GENERAL_ADULT_1');
    expect(r.lineage['clinicType']).to.equal('default');
  });

  it('evaluates a JSONata expression over the value and the earlier inputs, without eval', async () => {
    const text = `${BASE}  specialty: { from: ZRF-4, expr: "$value = '300' and $inputs.priority = 'ROUTINE' ? 'CARDIOLOGY' : 'OTHER'" }\n`;
    const r = await mapped(compile(text), ref());
    expect(r.input['specialty']).to.equal('CARDIOLOGY');
    expect(r.lineage['specialty']).to.equal('hl7v2:ZRF-4 → jsonata');
  });

  it('computes helper steps named with _ for later rules without sending them', async () => {
    const text = `${BASE}  _code: { from: ZRF-4, transforms: [trim] }\n  specialty: { from: $_code, when: "$_code = 300", const: CARDIOLOGY }\n`;
    const r = await mapped(
      compile(
        text.replace(
          'const: CARDIOLOGY',
          'transforms: [{ table: { name: specialty, unmapped: passthrough } }]',
        ),
      ),
      ref(),
    );
    expect(r.input).not.to.have.property('_code');
    expect(r.lineage).not.to.have.property('_code');
    expect(r.input['specialty']).to.equal('300');
    expect(r.lineage['specialty']).to.equal('input:$_code → table:specialty');
  });

  it('goes on with the steps after a JSONata transform', async () => {
    const text = `${BASE}  specialty: { from: ZRF-5, transforms: [{ jsonata: "$value & '-x'" }, upper] }\n`;
    const r = await mapped(compile(text), ref());
    expect(r.input['specialty']).to.equal('CT1-X');
  });

  it('builds the FHIR request of the operation from the inputs', async () => {
    const r = await mapped(compile(BASE), ref());
    expect(r.request.method).to.equal('POST');
    expect(r.request.path).to.equal('/ReferralRequest/$ers.createReferralAndSendForTriage');
    expect(JSON.stringify(r.request.body)).to.contain('9912003888');
  });

  it('gives the same content hash to the same text and a different one when a table changes', () => {
    const a = compile(BASE).hash;
    expect(compile(BASE).hash).to.equal(a);
    writeFileSync(
      join(dir, 'tables', 'priority.yaml'),
      'unmapped: error\nentries: { R: URGENT }\n',
    );
    expect(compile(BASE).hash).not.to.equal(a);
  });
});
