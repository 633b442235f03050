import { expect } from 'chai';
import {
  compileHl7Path,
  Hl7PathSyntaxError,
  listPopulatedFields,
  listReadFields,
  listUnreadFields,
  parseHl7,
} from '../../../src/formats/hl7v2/index.js';
import { sample } from './samples.js';

const ref = () => parseHl7(sample('ref-i12.hl7'));
const values = (path: string) => compileHl7Path(path).values(ref());

function syntaxError(expr: string): Hl7PathSyntaxError {
  try {
    compileHl7Path(expr);
  } catch (e) {
    if (e instanceof Hl7PathSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected "${expr}" to be refused`);
}

describe('compileHl7Path', () => {
  it('reads a field, a component and a sub-component', () => {
    expect(values('PID-7')).to.deep.equal(['19750412']);
    expect(values('PID-5.1')).to.deep.equal(['Smith']);
    expect(values('PID-13.1.1')).to.deep.equal(['0113 496 0123']);
  });

  it('means the first repetition when no index is given', () => {
    expect(values('PID-3.1')).to.deep.equal(['9912003888']);
  });

  it('selects a repetition by 1-based index', () => {
    expect(values('PID-3[2].1')).to.deep.equal(['RXX0012345']);
    expect(values('PID-3[3].1')).to.deep.equal([]);
  });

  it('selects every repetition with [*]', () => {
    expect(values('PID-3[*].5')).to.deep.equal(['NH', 'MR']);
  });

  it('filters repetitions on a component value', () => {
    expect(values('PID-3[CX.5=NH].1')).to.deep.equal(['9912003888']);
    expect(values('PID-3[CX.5=MR].1')).to.deep.equal(['RXX0012345']);
    expect(values('PID-3[5=MR].4')).to.deep.equal(['RXX01']);
    expect(values('PID-3[CX.5=XX].1')).to.deep.equal([]);
  });

  it('selects segment occurrences with [n] and [*]', () => {
    expect(values('OBX[*]-3.1')).to.deep.equal(['REASON', 'PRIORITY']);
    expect(values('OBX[2]-5.1')).to.deep.equal(['ROUTINE']);
    expect(values('OBX-3.1')).to.deep.equal(['REASON']);
  });

  it('returns a composite the path stops above in its encoded form', () => {
    expect(values('MSH-9')).to.deep.equal(['REF^I12^REF_I12']);
    expect(values('MSH-9.2')).to.deep.equal(['I12']);
  });

  it('returns MSH-1 and MSH-2 as the delimiters themselves', () => {
    expect(values('MSH-1')).to.deep.equal(['|']);
    expect(values('MSH-2')).to.deep.equal(['^~\\&']);
  });

  it('decodes escapes in the values it returns', () => {
    expect(values('PID-11.2')).to.deep.equal(['Flat 2^Rear']);
    expect(compileHl7Path('OBX-5').first(ref())).to.equal(
      'Exertional chest pain for 3 months\nWorse on stairs; no rest pain.',
    );
  });

  it('names the location of every match', () => {
    const locations = compileHl7Path('OBX[*]-3[*].1')
      .matches(ref())
      .map((m) => m.location);
    expect(locations).to.deep.equal(['OBX-3.1', 'OBX[2]-3.1']);
  });

  it('skips HL7 nulls in first() and values(), reports them in matches() and isNull()', () => {
    const msg = parseHl7(
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125||ADT^A08|C1|P|2.4\rOBX|1||A|1|""\rOBX|2||B|1|2nd\rOBX|3||C|1|3rd',
    );
    const obx5 = compileHl7Path('OBX[*]-5');
    expect(obx5.first(msg)).to.equal('2nd');
    expect(obx5.values(msg)).to.deep.equal(['2nd', '3rd']);
    expect(obx5.isNull(msg)).to.equal(true);
    expect(obx5.matches(msg).map((m) => [m.location, m.isNull])).to.deep.equal([
      ['OBX-5', true],
      ['OBX[2]-5', false],
      ['OBX[3]-5', false],
    ]);
    expect(compileHl7Path('OBX[2]-5').isNull(msg)).to.equal(false);
  });

  it('names a whole-segment match by the segment alone', () => {
    const found = compileHl7Path('PID').matches(ref());
    expect(found.map((m) => m.location)).to.deep.equal(['PID']);
    expect(found[0]?.value.startsWith('PID|')).to.equal(true);
  });

  it('gives undefined from first() when nothing matches', () => {
    expect(compileHl7Path('ZZZ-1').first(ref())).to.equal(undefined);
  });

  it('keeps its source text', () => {
    expect(compileHl7Path('PID-3[CX.5=NH].1').source).to.equal('PID-3[CX.5=NH].1');
  });

  for (const [expr, column] of [
    ['pid-3', 1],
    ['PID-x', 5],
    ['PID-3[0]', 7],
    ['PID-3[CX.5=NH', 14],
    ['PID-3.1.2.3', 10],
    ['PID 3', 4],
    ['PID-3[2', 8],
  ] as const) {
    it(`refuses "${expr}" naming column ${column}`, () => {
      expect(syntaxError(expr).column).to.equal(column);
    });
  }
});

describe('populated and unread fields', () => {
  it('lists populated leaves without indexes', () => {
    const fields = listPopulatedFields(ref());
    expect(fields).to.include.members([
      'PID-3.1',
      'PID-3.4',
      'PID-3.5',
      'PID-5.1',
      'PID-7',
      'ZRF-3.1',
    ]);
    expect(fields).not.to.include('PID-2');
  });

  it('lists the populated fields no path has read', () => {
    const msg = ref();
    compileHl7Path('PID-3[CX.5=NH].1').values(msg);
    compileHl7Path('PID-5').values(msg);
    const unread = listUnreadFields(msg);
    expect(unread).not.to.include.members(['PID-3.1', 'PID-3.5', 'PID-5.1', 'PID-5.2']);
    expect(unread).to.include.members(['PID-3.4', 'PID-7', 'ZRF-3.1']);
    expect(listReadFields(msg)).to.include.members(['PID-3.1', 'PID-3.5', 'PID-5']);
  });
});
