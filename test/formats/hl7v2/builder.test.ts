import { expect } from 'chai';
import { compileHl7Path, Hl7MessageBuilder, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { sample } from './samples.js';

const header = { 3: 'ERS-BRIDGE', 9: ['ADT', 'A08'], 10: 'C1', 11: 'P', 12: '2.4' } as const;

describe('Hl7MessageBuilder', () => {
  it('escapes delimiters, the escape character and line breaks in values', () => {
    const text = new Hl7MessageBuilder()
      .addSegment('MSH', header)
      .addSegment('NTE', { 1: '1', 3: 'a|b^c&d~e\\f\ng' })
      .toString();
    expect(text.split('\r')[1]).to.equal('NTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g');
    expect(compileHl7Path('NTE-3').first(parseHl7(text))).to.equal('a|b^c&d~e\\f\ng');
  });

  it('writes components, sub-components, repetitions and HL7 null', () => {
    const text = new Hl7MessageBuilder()
      .addSegment('MSH', header)
      .addSegment('PID', {
        3: {
          repeat: [
            ['9912003888', '', '', 'NHS', 'NH'],
            ['RXX1', '', '', ['RXX01', 'L'], 'MR'],
          ],
        },
        11: null,
      })
      .toString();
    expect(text.split('\r')[1]).to.equal('PID|||9912003888^^^NHS^NH~RXX1^^^RXX01&L^MR||||||||""');
    const msg = parseHl7(text);
    expect(compileHl7Path('PID-3[CX.5=MR].4.2').first(msg)).to.equal('L');
    expect(compileHl7Path('PID-11').isNull(msg)).to.equal(true);
  });

  it('writes with the delimiters it is given', () => {
    const d = { field: '#', component: '@', repetition: '*', escape: '!', subcomponent: '%' };
    const text = new Hl7MessageBuilder(d)
      .addSegment('MSH', header)
      .addSegment('NTE', { 3: 'x#y' })
      .toString();
    expect(text).to.match(/^MSH#@\*!%#ERS-BRIDGE/);
    expect(text.split('\r')[1]).to.equal('NTE###x!F!y');
  });

  it('sets values by path, creating segments, repetitions and components', () => {
    const b = new Hl7MessageBuilder()
      .addSegment('MSH', header)
      .set('ZRF-2[2].3', 'x^y')
      .set('OBX[2]-5', 'v');
    const msg = parseHl7(b.toString());
    expect(compileHl7Path('ZRF-2[2].3').first(msg)).to.equal('x^y');
    expect(compileHl7Path('OBX[2]-5').first(msg)).to.equal('v');
    expect(b.segmentNames()).to.deep.equal(['MSH', 'ZRF', 'OBX', 'OBX']);
  });

  it('refuses to write through a path naming many places', () => {
    expect(() => new Hl7MessageBuilder().set('OBX[*]-5', 'v')).to.throw(/single place/);
  });

  for (const name of [
    'ref-i12.hl7',
    'siu-s12.hl7',
    'adt-a04.hl7',
    'adt-a08.hl7',
    'mdm-t02.hl7',
    'rri-i12.hl7',
  ]) {
    it(`writes ${name} back byte for byte after reading it`, () => {
      const msg = parseHl7(sample(name));
      expect(Hl7MessageBuilder.from(msg).toString()).to.equal(msg.toString());
    });
  }
});
