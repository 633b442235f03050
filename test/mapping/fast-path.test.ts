import { expect } from 'chai';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileHl7Path, parseHl7 } from '../../src/formats/hl7v2/index.js';
import { fastHl7Values } from '../../src/formats/hl7v2/fast-path.js';

// Every HL7 sample, and paths of every shape the fast path takes (plus the shipped mappings').
const samples = [
  ...readdirSync('samples/hl7')
    .filter((f) => f.endsWith('.hl7') && f !== 'batch.hl7')
    .map((f) => join('samples/hl7', f)),
  ...readdirSync('samples')
    .map((d) => join('samples', d, 'input.hl7'))
    .filter((f) => existsSync(f)),
];
const PATHS = [
  'MSH-3',
  'MSH-9',
  'MSH-9.1',
  'MSH-9.2',
  'MSH-10',
  'MSH-18',
  'PID-3',
  'PID-3.1',
  'PID-3[2].1',
  'PID-3[2].5',
  'PID-5',
  'PID-5.1',
  'PID-11.2',
  'PID-13[2].1',
  'RF1-1.1',
  'RF1-2.1',
  'RF1-6',
  'RF1-10.1',
  'ZRF-2',
  'ZRF-3.1',
  'ZRF-3[2].1',
  'ZRF-4.1',
  'ZRF-5',
  'OBX-5',
  'OBX-5.2',
  'OBX[2]-5.1',
  'OBX-5.5',
  'NTE-3',
  'SCH-6.1',
  'SCH-11.4',
  'SCH-26.2',
  'AIS-3.1',
  'AIS-4',
  'TXA-2.2',
  'TXA-4',
  'TXA-12.1',
  'PID-3.4.1',
  'PID-3[CX.5=NH].1',
  'PID-3[5=MR].1',
  'PID-3[CX.4.1=RXX01]',
  'PID-13[3=CP].1',
  'PRD-7[4=ODS].1',
  'PID-99',
  'XYZ-1',
];

describe('mapping: fast HL7 path evaluation', () => {
  it('gives the same values and read keys as the general path engine on every sample', () => {
    let compared = 0;
    for (const file of samples) {
      for (const expr of PATHS) {
        const path = compileHl7Path(expr);
        const fast = fastHl7Values(path.spec);
        if (fast === undefined) continue;
        const a = parseHl7(readFileSync(file));
        const b = parseHl7(readFileSync(file));
        expect(fast(a), `${file} ${expr}`).to.deep.equal(path.values(b));
        expect([...a.reads], `${file} ${expr}`).to.deep.equal([...b.reads]);
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(300);
  });

  it('leaves every-occurrence and every-repetition paths and MSH-1/2 to the general engine', () => {
    for (const expr of ['OBX[*]-5', 'ZRF-3[*].1', 'MSH-2'])
      expect(fastHl7Values(compileHl7Path(expr).spec), expr).to.equal(undefined);
  });
});
