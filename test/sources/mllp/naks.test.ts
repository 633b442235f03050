import { expect } from 'chai';
import { frameMllp } from '../../../src/sources/mllp/index.js';
import { ackValue, adt, CHANNEL, exchange, startSource, type RunningSource } from './support.js';

const send = async (src: RunningSource, text: string | Buffer) =>
  (await exchange(src.port, [frameMllp(text)], { expect: 1 })).replies[0]!;

describe('MLLP source NAKs', () => {
  let src: RunningSource;
  beforeEach(async () => {
    src = await startSource({ maxMessageBytes: 2048 });
  });
  afterEach(async () => {
    await src.close();
  });

  it('refuses unparseable input naming its recovered control id, and keeps it as ERROR', async () => {
    const nak = await send(
      src,
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|BAD1|P|2.4\rthis is not a segment\r',
    );
    expect(ackValue(nak, 'MSA-1')).to.equal('AR');
    expect(ackValue(nak, 'MSA-2')).to.equal('BAD1');
    expect(ackValue(nak, 'ERR-3')).to.equal('100^Segment sequence error^HL70357');
    expect(ackValue(nak, 'ERR-4')).to.equal('E');
    expect(ackValue(nak, 'ERR-8')).to.match(/segment 2/);
    const [kept] = await src.store.list({ channel: CHANNEL });
    expect(kept?.status).to.equal('ERROR');
    expect(kept?.messageType).to.equal('UNPARSEABLE');
    expect((await src.store.get(kept!.id))?.reply).to.equal(nak);
  });

  it('refuses a frame without any MSH with a NAK whose MSA-2 is empty', async () => {
    const nak = await send(src, 'hello, this is not HL7');
    expect(ackValue(nak, 'MSA-1')).to.equal('AR');
    expect(ackValue(nak, 'MSA-2')).to.equal(undefined);
    expect(ackValue(nak, 'ERR-5.1')).to.equal('FORMAT_UNPARSEABLE');
  });

  it('answers CR instead of AR in enhanced acknowledgement mode', async () => {
    const nak = await send(
      src,
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|BAD2|P|2.5|||AL|NE\r!!\r',
    );
    expect(ackValue(nak, 'MSA-1')).to.equal('CR');
    expect(ackValue(nak, 'MSA-2')).to.equal('BAD2');
  });

  it('refuses a message without MSH-10 with an ERR naming MSH-10', async () => {
    const nak = await send(src, 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08||P|2.4\rPID|1\r');
    expect(ackValue(nak, 'MSA-1')).to.equal('AE');
    expect(ackValue(nak, 'ERR-2')).to.equal('MSH^1^10^1');
    expect(ackValue(nak, 'ERR-3.1')).to.equal('101');
  });

  it('refuses a message without MSH-9 with an ERR naming MSH-9', async () => {
    const nak = await send(src, 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1|||NOTYPE|P|2.4\rPID|1\r');
    expect(ackValue(nak, 'MSA-2')).to.equal('NOTYPE');
    expect(ackValue(nak, 'ERR-2')).to.equal('MSH^1^9^1');
  });

  it('refuses a character set it cannot read', async () => {
    const nak = await send(
      src,
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|CS1|P|2.4|||||GBR|EBCDIC\rPID|1\r',
    );
    expect(ackValue(nak, 'MSA-1')).to.equal('AR');
    expect(ackValue(nak, 'ERR-2')).to.equal('MSH^1^18^1');
    expect(ackValue(nak, 'ERR-5.1')).to.equal('FORMAT_UNSUPPORTED_ENCODING');
  });

  it('refuses invalid UTF-8 declared as UTF-8 with an AR naming MSH-18, and keeps it as ERROR', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|CS2|P|2.4|||||GBR|UNICODE UTF-8\rPID|1||X||M',
      ),
      Buffer.from([0xfc, 0x6c]),
      Buffer.from('\r'),
    ]);
    const nak = await send(src, raw);
    expect(ackValue(nak, 'MSA-1')).to.equal('AR');
    expect(ackValue(nak, 'MSA-2')).to.equal('CS2');
    expect(ackValue(nak, 'ERR-2')).to.equal('MSH^1^18^1');
    expect(ackValue(nak, 'ERR-5.1')).to.equal('FORMAT_INVALID_CHARACTERS');
    const [kept] = await src.store.list({ channel: CHANNEL });
    expect(kept?.status).to.equal('ERROR');
    expect((await src.store.get(kept!.id))?.raw?.equals(raw)).to.equal(true);
  });

  it('accepts MSH-18 UNICODE, as the NHS ITK example messages declare it', async () => {
    const ack = await send(
      src,
      'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|CS3|P|2.4|||||GBR|UNICODE\rPID|1||X||Llŷr\r',
    );
    expect(ackValue(ack, 'MSA-1')).to.equal('AA');
  });

  it('refuses a message over maxMessageBytes with a NAK, keeps its head as ERROR, then closes the connection', async () => {
    const big = adt('HUGE', 'x'.repeat(3000));
    const result = await exchange(src.port, [frameMllp(big)], { expect: 2 });
    expect(result.replies).to.have.length(1);
    expect(ackValue(result.replies[0]!, 'MSA-1')).to.equal('AR');
    expect(ackValue(result.replies[0]!, 'MSA-2')).to.equal('HUGE');
    expect(ackValue(result.replies[0]!, 'ERR-5.1')).to.equal('SOURCE_MESSAGE_TOO_LARGE');
    expect(result.closedByServer).to.equal(true);
    const kept = await src.store.list({ channel: CHANNEL });
    expect(kept.map((m) => [m.status, m.messageType])).to.deep.equal([['ERROR', 'TOO_LARGE']]);
    const stored = await src.store.get(kept[0]!.id);
    expect(stored?.raw?.toString('utf8')).to.match(/^MSH\|.*\|HUGE\|/);
    expect(stored?.reply).to.equal(result.replies[0]);
  });

  it('answers AE when the store cannot commit, so the sender sends again', async () => {
    await src.store.close();
    const nak = await send(src, adt('NOSTORE'));
    expect(ackValue(nak, 'MSA-1')).to.equal('AE');
    expect(ackValue(nak, 'MSA-2')).to.equal('NOSTORE');
    expect(ackValue(nak, 'ERR-5.1')).to.equal('STORE_UNAVAILABLE');
  });

  it('sends no commit ACK when MSH-15 says NE', async () => {
    const silent = 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|QUIET|P|2.5|||NE|NE\rPID|1\r';
    const { replies } = await exchange(src.port, [frameMllp(silent), frameMllp(adt('LOUD'))], {
      expect: 1,
    });
    expect(ackValue(replies[0]!, 'MSA-2')).to.equal('LOUD');
    expect(await src.store.findByControlId(CHANNEL, 'PAS/RXX01', 'QUIET')).not.to.equal(undefined);
  });
});

describe('MLLP source connections', () => {
  it('closes a connection that stays idle longer than idleTimeoutMs', async () => {
    const src = await startSource({ idleTimeoutMs: 100 });
    try {
      const result = await exchange(src.port, [], { expect: 1, timeoutMs: 10_000 });
      expect(result.closedByServer).to.equal(true);
    } finally {
      await src.close();
    }
  });
});
