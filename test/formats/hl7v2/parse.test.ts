import { expect } from 'chai';
import iconv from 'iconv-lite';
import { EngineError } from '../../../src/core/errors.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { sample } from './samples.js';

const first = (raw: Buffer | string, path: string): string | undefined =>
  compileHl7Path(path).first(parseHl7(raw));

function parseError(raw: Buffer | string): EngineError {
  try {
    parseHl7(raw);
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected parseHl7 to throw');
}

describe('parseHl7', () => {
  it('reads the header facts of a REF^I12', () => {
    const msg = parseHl7(sample('ref-i12.hl7'));
    expect(msg.messageType).to.equal('REF^I12');
    expect(msg.controlId).to.equal('PAS0000123');
    expect(msg.version).to.equal('2.4');
    expect(msg.segments.map((s) => s.name)).to.include.members(['MSH', 'RF1', 'PID', 'ZRF']);
  });

  it('finds the n-th segment of a name in short messages and in ones past the scan limit', () => {
    // segment() scans up to 40 segments and uses the by-name index beyond (decision 185).
    for (const count of [3, 40, 41, 60]) {
      const obx = Array.from({ length: count }, (_, i) => `OBX|${i + 1}|TX|||v${i + 1}`);
      const msg = parseHl7(
        ['MSH|^~\\&|A|B|C|D|20261125||ORU^R01|1|P|2.4', ...obx, 'ZRF|1'].join('\r'),
      );
      for (const n of [1, 2, count, count + 1])
        expect(msg.segment('OBX', n)?.field(5), `${count} OBX, #${n}`).to.equal(
          n <= count ? `v${n}` : undefined,
        );
      expect(msg.segment('ZRF')?.field(1)).to.equal('1');
      expect(msg.segment('ZRF', 2)).to.equal(undefined);
      expect(msg.segment('PID')).to.equal(undefined);
      expect(msg.segment('MSH')).to.equal(msg.header);
    }
  });

  it('takes delimiters from MSH-1 and MSH-2 instead of assuming them', () => {
    const raw =
      'MSH#@*!%#PAS#RXX01#ERS#RXX01#20261125##REF@I12#C1#P#2.4\rPID#1##111@@@NHS@NH*222@@@RXX01@MR##Smith@Jane';
    expect(first(raw, 'MSH-9')).to.equal('REF@I12');
    expect(first(raw, 'PID-3[2].1')).to.equal('222');
    expect(first(raw, 'PID-5.2')).to.equal('Jane');
  });

  it('accepts CR, LF and CRLF segment separators alike', () => {
    const segs = ['MSH|^~\\&|A|B|C|D|20261125||ADT^A08|1|P|2.4', 'PID|1||X^^^NHS^NH', 'PV1|1|O'];
    for (const sep of ['\r', '\n', '\r\n']) {
      const msg = parseHl7(segs.join(sep) + sep);
      expect(msg.segments.map((s) => s.name)).to.deep.equal(['MSH', 'PID', 'PV1']);
      expect(compileHl7Path('PID-3.1').first(msg)).to.equal('X');
    }
  });

  it('decodes every standard escape sequence in a leaf', () => {
    const raw =
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\rNTE|1||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g\\X41\\h';
    const msg = parseHl7(raw);
    expect(msg.encoding).to.equal('utf8');
    expect(compileHl7Path('NTE-3').first(msg)).to.equal('a|b^c&d~e\\f\ngAh');
  });

  it('decodes \\X hex escapes in the message character set', () => {
    const raw = Buffer.from(
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|UNICODE UTF-8\rNTE|1||caf\\XC3A9\\',
    );
    expect(first(raw, 'NTE-3')).to.equal('café');
  });

  it('keeps an unknown escape sequence as written', () => {
    expect(first('MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\rNTE|1||x\\Zabc\\y', 'NTE-3')).to.equal(
      'x\\Zabc\\y',
    );
  });

  it('tells an HL7 null ("") apart from an empty field', () => {
    const msg = parseHl7(sample('adt-a08.hl7'));
    const address = compileHl7Path('PID-11');
    expect(address.isNull(msg)).to.equal(true);
    expect(address.values(msg)).to.deep.equal([]);
    expect(compileHl7Path('PID-12').matches(msg)).to.deep.equal([]);
    expect(compileHl7Path('PID-12').isNull(msg)).to.equal(false);
  });

  it('reads Z-segments like any other segment', () => {
    expect(first(sample('ref-i12.hl7'), 'ZRF-3.1')).to.equal('SVC-00123');
  });

  it('reads UTF-8 declared in MSH-18', () => {
    expect(first(sample('adt-a04.hl7'), 'PID-5.1')).to.equal('Llŷr');
  });

  it('skips a UTF-8 byte order mark before MSH', () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sample('adt-a04.hl7')]);
    const msg = parseHl7(raw);
    expect(msg.header.name).to.equal('MSH');
    expect(compileHl7Path('PID-5.2').first(msg)).to.equal('Gwenllïan');
  });

  it('reads 8859/1 bytes as Latin-1', () => {
    const raw = Buffer.from(
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|8859/1\rPID|1||X||Müller^Zoë',
      'latin1',
    );
    expect(first(raw, 'PID-5')).to.equal('Müller^Zoë');
  });

  it('reads Windows-1252 bytes declared in MSH-18', () => {
    const text = 'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|WINDOWS-1252\rNTE|1||€20 “quoted”';
    expect(first(iconv.encode(text, 'windows-1252'), 'NTE-3')).to.equal('€20 “quoted”');
  });

  it('reads undeclared non-UTF-8 bytes as Windows-1252', () => {
    const text = 'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\rNTE|1||O’Neill £5';
    const msg = parseHl7(iconv.encode(text, 'windows-1252'));
    expect(msg.encoding).to.equal('windows-1252');
    expect(compileHl7Path('NTE-3').first(msg)).to.equal('O’Neill £5');
  });

  it('reads plain ASCII declared as ASCII', () => {
    const raw = Buffer.from('MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|ASCII\rNTE|1||plain');
    expect(first(raw, 'NTE-3')).to.equal('plain');
  });

  it('refuses an MSH-18 character set it cannot decode', () => {
    const err = parseError(
      Buffer.from('MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|EBCDIC\rPID|1'),
    );
    expect(err.code).to.equal('FORMAT_UNSUPPORTED_ENCODING');
    expect(err.at).to.equal('MSH-18');
  });

  it('refuses text that does not start with MSH', () => {
    const err = parseError('hello world');
    expect(err.code).to.equal('FORMAT_UNPARSEABLE');
    expect(err.at).to.equal('MSH');
  });

  it('refuses MSH-2 with fewer than four encoding characters', () => {
    expect(parseError('MSH|^~|A|B').at).to.equal('MSH-2');
  });

  it('names the segment that has no segment id', () => {
    const err = parseError('MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\rPID|1\rthis is not a segment');
    expect(err.code).to.equal('FORMAT_UNPARSEABLE');
    expect(err.at).to.equal('segment 3');
  });

  it('points a batch to splitHl7Batch', () => {
    expect(parseError(sample('batch.hl7')).message).to.match(/splitHl7Batch/);
  });

  it('re-assembles the message with CR separators', () => {
    const raw = sample('adt-a08.hl7').toString('utf8');
    expect(parseHl7(raw).toString()).to.equal(raw.trimEnd().split('\n').join('\r'));
  });
  it('uses the first repetition of MSH-18 as the character set', () => {
    const text = 'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|8859/1~UNICODE UTF-8\rNTE|1||Zoë';
    expect(first(Buffer.from(text, 'latin1'), 'NTE-3')).to.equal('Zoë');
  });

  it('reads the v2.7 truncation character from MSH-2 without treating it as a delimiter', () => {
    const msg = parseHl7('MSH|^~\\&#|A|B|C|D|1||ADT^A08|1|P|2.7\rNTE|1||a#b\\P\\c');
    expect(msg.delimiters.truncation).to.equal('#');
    expect(compileHl7Path('NTE-3').first(msg)).to.equal('a#b#c');
  });
});
