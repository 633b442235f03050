import { expect } from 'chai';
import { compileMappingText } from '../../src/mapping/index.js';

const BROKEN = [
  'id: bad', // 1
  'input: hl7v2', // 2
  'colour: blue', // 3  unknown top-level key
  'operation: A021', // 4
  'inputs:', // 5
  '  nhsNumber: { from: "PID-3[CX.5=NH.1" }', // 6  bad path
  '  priority: { form: RF1-2.1 }', // 7  unknown rule key
  '  serviceIds: { const: ["90636"], transforms: [nhsNumbr] }', // 8  unknown transform
].join('\n');

describe('mapping compile: collecting every problem', () => {
  it('reports problems of other rules and keys beside an unknown key, sorted by line', () => {
    const r = compileMappingText(BROKEN, { file: 'm.yaml', tablesDir: '/nonexistent' });
    if (r.ok) throw new Error('expected compile errors');
    expect(r.issues.map((i) => [i.line, i.column])).to.deep.equal([
      [3, 1],
      [6, 38], // where the missing "]" belongs
      [7, 15],
      [8, 48],
    ]);
    expect(r.issues.map((i) => i.message).join('\n')).to.match(
      /unknown key "colour"[\s\S]*bad hl7v2 path[\s\S]*unknown key "form"[\s\S]*unknown transform "nhsNumbr"/,
    );
  });
});
