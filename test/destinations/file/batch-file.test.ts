import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import {
  batchFileBytes,
  hl7Record,
  hl7Time,
  ndjsonRecord,
} from '../../../src/destinations/file/batch-file.js';
import { EngineError } from '../../../src/core/errors.js';
import { FileDestinationSchema } from '../../../src/destinations/file/schema.js';

const sample = readFileSync(new URL('../../../samples/hl7/ref-i12.hl7', import.meta.url));
const header = {
  channel: 'out',
  fileName: 'out-1.hl7',
  controlId: 'abc1',
  now: Date.UTC(2026, 11, 6, 18, 5, 9),
};

describe('destinations/file: batch file contents (pure)', () => {
  it('writes an HL7 batch file our own file source splits back into the same messages', () => {
    const other = Buffer.from(
      sample.toString('latin1').replace('PAS0000123', 'PAS0000999'),
      'latin1',
    );
    const bytes = batchFileBytes('hl7', header, [
      { id: 1, bytes: hl7Record(sample) },
      { id: 2, bytes: hl7Record(other) },
    ]);
    const split = splitHl7Batch(bytes);
    expect(split.issues).to.deep.equal([]);
    expect(
      split.messages.map((m) => m.raw.toString('latin1').replace(/[\r\n]+$/, '')),
    ).to.deep.equal([
      sample.toString('latin1').replace(/[\r\n]+$/, ''),
      other.toString('latin1').replace(/[\r\n]+$/, ''),
    ]);
    expect(split.fileHeader).to.equal(
      'FHS|^~\\&|ERS-BRIDGE|out|||20261206180509+0000||out-1.hl7||abc1',
    );
    expect(split.batchHeaders).to.deep.equal([
      'BHS|^~\\&|ERS-BRIDGE|out|||20261206180509+0000||||abc1',
    ]);
    expect(bytes.toString('latin1').endsWith('BTS|2\rFTS|1\r')).to.equal(true);
  });

  it('ends each HL7 message with one CR whatever line ends it came with, and drops a BOM', () => {
    const crlf = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('MSH|^~\\&|A\r\nPID|1\r\n\r\n'),
    ]);
    expect(hl7Record(crlf).toString()).to.equal('MSH|^~\\&|A\r\nPID|1\r');
  });

  it('refuses a message that is not HL7 v2 for an hl7 batch file, as permanent', () => {
    let caught: unknown;
    try {
      hl7Record(Buffer.from('{"n":1}'));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(EngineError);
    expect((caught as EngineError).code).to.equal('DEST_REJECTED');
    expect((caught as EngineError).retry).to.equal('permanent');
  });

  it('keeps header values from breaking the envelope', () => {
    const bytes = batchFileBytes('hl7', { ...header, fileName: 'a|b^c.hl7' }, []);
    expect(splitHl7Batch(bytes).fileHeader).to.contain('||a_b_c.hl7||');
  });

  it('writes NDJSON as one line per message, newlines inside escaped', () => {
    const bytes = batchFileBytes('ndjson', header, [
      {
        id: 1,
        bytes: ndjsonRecord({ channel: 'out', id: 1, controlId: 'c1', content: 'two\nlines' }),
      },
      { id: 2, bytes: ndjsonRecord({ channel: 'out', id: 2, controlId: null, content: { a: 1 } }) },
    ]);
    const lines = bytes.toString().split('\n');
    expect(lines.pop()).to.equal('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).to.deep.equal([
      { channel: 'out', id: 1, controlId: 'c1', content: 'two\nlines' },
      { channel: 'out', id: 2, controlId: null, content: { a: 1 } },
    ]);
  });

  it('writes HL7 times in UTC', () => {
    expect(hl7Time(Date.UTC(2026, 0, 2, 3, 4, 5))).to.equal('20260102030405+0000');
  });
});

describe('destinations/file: the batch-file settings', () => {
  const parse = (c: Record<string, unknown>) =>
    FileDestinationSchema.safeParse({ folder: 'out', ...c });
  const messages = (c: Record<string, unknown>) =>
    parse(c).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('takes the batch options with mode: batch-file', () => {
    expect(
      parse({
        mode: 'batch-file',
        envelope: 'ndjson',
        content: 'mapped',
        maxMessages: 50,
        maxBytes: 4096,
      }).success,
    ).to.equal(true);
  });

  it('refuses batch options without mode: batch-file, naming each', () => {
    expect(messages({ maxMessages: 50, envelope: 'hl7' })).to.deep.equal([
      'envelope: only with mode: batch-file',
      'maxMessages: only with mode: batch-file',
    ]);
  });

  it('refuses an hl7 envelope for content that is not the raw message', () => {
    expect(messages({ mode: 'batch-file', envelope: 'hl7', content: 'results' })).to.deep.equal([
      'envelope: an hl7 batch file holds raw HL7 messages: content: raw, or envelope: ndjson',
    ]);
  });
});
