import { expect } from 'chai';
import iconv from 'iconv-lite';
import { EngineError } from '../../../src/core/errors.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';

const header = (msh18: string): string => `MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|${msh18}\r`;

function parseError(raw: Buffer): EngineError {
  try {
    parseHl7(raw);
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('HL7 v2 character sets (MSH-18)', () => {
  it('reads MSH-18 UNICODE as UTF-8, as the NHS ITK example messages declare it', () => {
    const msg = parseHl7(Buffer.from(`${header('UNICODE')}PID|1||X||Llŷr^Gwenllïan`, 'utf8'));
    expect(msg.encoding).to.equal('utf8');
    expect(compileHl7Path('PID-5.1').first(msg)).to.equal('Llŷr');
  });

  it('reads MSH-18 UNICODE UTF-8 as UTF-8', () => {
    const msg = parseHl7(Buffer.from(`${header('UNICODE UTF-8')}PID|1||X||Zoë`, 'utf8'));
    expect(compileHl7Path('PID-5').first(msg)).to.equal('Zoë');
  });

  it('refuses bytes that are not UTF-8 in a message declared UTF-8, naming MSH-18', () => {
    const raw = Buffer.concat([
      Buffer.from(`${header('UNICODE UTF-8')}PID|1||X||M`, 'utf8'),
      Buffer.from([0xfc]), // Latin-1 ü: not valid UTF-8
      Buffer.from('ller', 'utf8'),
    ]);
    const err = parseError(raw);
    expect(err.code).to.equal('FORMAT_INVALID_CHARACTERS');
    expect(err.at).to.equal('MSH-18');
    expect(err.definition.ack).to.equal('AR');
  });

  it('refuses invalid UTF-8 after a UTF-8 byte order mark', () => {
    const raw = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${header('')}PID|1||X||`, 'utf8'),
      Buffer.from([0xc3, 0x28]),
    ]);
    expect(parseError(raw).code).to.equal('FORMAT_INVALID_CHARACTERS');
  });

  it('refuses a byte Windows-1252 does not define in a message declared WINDOWS-1252', () => {
    const raw = Buffer.concat([
      Buffer.from(`${header('WINDOWS-1252')}NTE|1||a`, 'latin1'),
      Buffer.from([0x81]),
    ]);
    expect(parseError(raw).code).to.equal('FORMAT_INVALID_CHARACTERS');
  });

  it('keeps a U+FFFD the sender really sent in UTF-8', () => {
    const msg = parseHl7(Buffer.from(`${header('UNICODE UTF-8')}NTE|1||a\uFFFDb`, 'utf8'));
    expect(compileHl7Path('NTE-3').first(msg)).to.equal('a\uFFFDb');
  });

  it('still reads undeclared non-UTF-8 bytes as Windows-1252', () => {
    const msg = parseHl7(iconv.encode(`${header('')}NTE|1||O’Neill £5`, 'windows-1252'));
    expect(msg.encoding).to.equal('windows-1252');
  });
});
