import { expect } from 'chai';
import { join } from 'node:path';
import { EngineError } from '../../src/core/errors.js';
import { compileMappingText } from '../../src/mapping/index.js';
import { chooseSlot, freeSlots, resolveInputs } from '../../src/mapping/resolve.js';
import { worklistItems } from '../../src/mapping/worklist.js';
import { officialExample } from '../support/fhir-shape.js';

const slots = [
  { id: 'b', start: '2027-01-11T10:00:00Z', end: '2027-01-11T10:30:00Z' },
  { id: 'a', start: '2027-01-11T09:00:00Z', end: '2027-01-11T09:30:00Z' },
];

const compile = (text: string) =>
  compileMappingText(text, { file: 'mappings/x.yaml', tablesDir: join('mappings', 'tables') });

const BOOK = `id: book
input: hl7v2
operation: A016
inputs:
  ubrn: ZRF-2
  serviceId: AIS-3.1
  nhsNumber: PID-3.1
  action: { const: book }
  start: { from: AIS-4, transforms: [dateTime] }
`;

describe('mapping: inputs e-RS supplies at send time (resolve)', () => {
  it('picks the free slot starting at the booked time, whatever its offset notation', () => {
    const picked = chooseSlot('same-start', slots, '2027-01-11T10:00:00+00:00');
    expect(picked).to.deep.include({ id: 'b' });
  });

  it('picks the earliest free slot under the earliest rule', () => {
    expect(chooseSlot('earliest', slots, undefined)).to.deep.include({ id: 'a' });
  });

  it('reads only free Slot entries of an A015 bundle (the official example)', () => {
    const free = freeSlots(officialExample('A015_Response.json'));
    expect(free.length).to.be.greaterThan(0);
    expect(free[0]).to.have.keys(['id', 'start', 'end']);
  });

  it('fails with MAP_RESOLVE_FAILED naming the slot when no slot fits', () => {
    const resolve = { version: true, slotRule: 'same-start' as const, names: [], lineage: {} };
    const answers = {
      A005: { meta: { versionId: '4' } },
      A015: { entry: slots.map((s) => ({ resource: { resourceType: 'Slot', ...s } })) },
    };
    expect(resolveInputs(resolve, { start: '2027-01-11T09:00:00Z' }, answers)).to.include({
      version: '4',
      slotId: 'a',
    });
    let error: unknown;
    try {
      resolveInputs(resolve, { start: '2027-01-11T11:00:00Z' }, answers);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(EngineError);
    expect((error as EngineError).code).to.equal('MAP_RESOLVE_FAILED');
    expect((error as EngineError).at).to.equal('slotId');
  });

  it('counts resolved inputs as filled, so A016 compiles without version and slot rules', () => {
    const r = compile(
      `${BOOK}resolve:\n  version: A005\n  slot: { from: A015, rule: same-start }\n`,
    );
    expect(r.ok, JSON.stringify(r)).to.equal(true);
  });

  it('refuses a slot rule for an operation without a slot, at the resolve line', () => {
    const r = compile(
      'id: x\ninput: hl7v2\noperation: A013\ninputs:\n  ubrn: RF1-6\nresolve:\n  version: A005\n  slot: { from: A015, rule: earliest }\n',
    );
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.issues[0]?.line).to.equal(7);
    expect(r.issues[0]?.message).to.contain('resolve slot: operation A013 has no input slotId');
  });

  it('refuses a then step reading an answer value e-RS does not give, at its line', () => {
    const r = compile(
      `${BOOK.replace('A016', 'A020').replace(/inputs:[\s\S]*/, 'inputs:\n  fileName: TXA-12\n  contentType: OBX-5.2\n  dataBase64: OBX-5.5\n')}then:\n  operation: A012\n  inputs:\n    ubrn: ZRF-2\n    indexed: TXA-4\n    files: $ers.binaryId\n`,
    );
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.message.includes('$ers.binaryId'));
    expect(issue?.line, JSON.stringify(r.issues)).to.equal(13);
  });

  it('reads the items of the official A008 worklist, patient numbers from contained resources', () => {
    const items = worklistItems(officialExample('A008_Response.json'));
    expect(items[0]).to.include({
      ubrn: '000000070002',
      nhsNumber: '9462979626',
      priority: 'ROUTINE',
      serviceId: '11012',
    });
  });

  it('refuses an outbound template that does not start with MSH, and unknown placeholders', () => {
    const r = compile(
      [
        'id: w',
        'input: json',
        'operation: A008',
        'inputs:',
        '  listType: { const: REFERRALS_FOR_REVIEW }',
        'reply:',
        '  outbound:',
        '    each: entry',
        '    segments:',
        "      - 'PID|1||{{item.nhsNumber}}'",
        "      - 'ZRF|1|{{ers.ubrn}}'",
        '',
      ].join('\n'),
    );
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.issues.map((i) => [i.line, i.message])).to.deep.equal([
      [10, 'an outbound message starts with its MSH segment'],
      [11, 'bad placeholder "{{ers.ubrn}}"'],
    ]);
  });
});
