import { expect } from 'chai';
import iconv from 'iconv-lite';
import { compileHl7Path, parseHl7, splitHl7Batch } from '../../../src/formats/hl7v2/index.js';
import { sample } from './samples.js';

describe('splitHl7Batch', () => {
  it('splits an FHS/BHS batch into its messages with their lines', () => {
    const batch = splitHl7Batch(sample('batch.hl7'));
    expect(batch.messages.map((m) => parseHl7(m.raw).messageType)).to.deep.equal([
      'ADT^A04',
      'SIU^S12',
      'SIU^S15',
    ]);
    expect(batch.messages.map((m) => m.line)).to.deep.equal([3, 7, 17]);
    expect(batch.fileHeader).to.match(/^FHS/);
    expect(batch.batchHeaders).to.have.length(1);
    expect(batch.issues).to.deep.equal([]);
  });

  it('reports a BTS count that differs from the messages in the batch', () => {
    const text = sample('batch.hl7').toString('latin1').replace('BTS|3', 'BTS|4');
    expect(splitHl7Batch(text).issues[0]).to.match(/BTS-1 declares 4 messages, the batch holds 3/);
  });

  it('splits a plain file of messages separated by LF', () => {
    const text = [
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4',
      'PID|1',
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|2|P|2.4',
      'PID|2',
      '',
    ].join('\n');
    const batch = splitHl7Batch(text);
    expect(batch.messages.map((m) => parseHl7(m.raw).controlId)).to.deep.equal(['1', '2']);
  });

  it('keeps each message’s own bytes so its MSH-18 decides the character set', () => {
    const one = iconv.encode(
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4|||||GBR|8859/1\rNTE|1||Zoë\r',
      'latin1',
    );
    const two = Buffer.from(
      'MSH|^~\\&|A|B|C|D|1||ADT^A08|2|P|2.4|||||GBR|UNICODE UTF-8\rNTE|1||Zoë\r',
      'utf8',
    );
    const batch = splitHl7Batch(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), one, two]));
    const notes = batch.messages.map((m) => compileHl7Path('NTE-3').first(parseHl7(m.raw)));
    expect(notes).to.deep.equal(['Zoë', 'Zoë']);
  });

  it('reports segments that are outside any message', () => {
    expect(splitHl7Batch('PID|1\rMSH|^~\\&|A|B|C|D|1||ADT^A08|1|P|2.4\r').issues).to.have.length(1);
  });
});
