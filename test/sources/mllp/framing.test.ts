import { expect } from 'chai';
import { frameMllp, MllpDecoder } from '../../../src/sources/mllp/index.js';
import { ackValue, adt, CHANNEL, exchange, startSource, type RunningSource } from './support.js';

describe('MLLP framing', () => {
  it('decodes frames split over reads and frames packed into one read', () => {
    const d = new MllpDecoder(1024);
    const a = frameMllp('MSH|A');
    const b = frameMllp('MSH|B');
    const both = Buffer.concat([a, b]);
    const events = [both.subarray(0, 3), both.subarray(3, 9), both.subarray(9)].flatMap((c) =>
      d.push(c),
    );
    expect(events.map((e) => (e.kind === 'frame' ? e.payload.toString() : e.kind))).to.deep.equal([
      'MSH|A',
      'MSH|B',
    ]);
  });

  it('reports bytes outside frames as garbage and a frame without end block as unterminated', () => {
    const d = new MllpDecoder(1024);
    const events = d.push(
      Buffer.concat([Buffer.from('junk'), Buffer.from('\x0bMSH|A'), frameMllp('MSH|B')]),
    );
    expect(events.map((e) => e.kind)).to.deep.equal(['garbage', 'unterminated', 'frame']);
  });

  it('reports a frame over the limit once and skips the rest of it', () => {
    const d = new MllpDecoder(1024);
    const events = [
      ...d.push(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(800, 65)])),
      ...d.push(Buffer.alloc(800, 65)),
      ...d.push(Buffer.from([0x1c, 0x0d])),
      ...d.push(frameMllp('MSH|C')),
    ];
    expect(events.map((e) => e.kind)).to.deep.equal(['tooLarge', 'frame']);
  });
});

describe('MLLP source framing over TCP', () => {
  let src: RunningSource;
  beforeEach(async () => {
    src = await startSource();
  });
  afterEach(async () => {
    await src.close();
  });

  it('acknowledges a frame that arrives in three separate reads', async () => {
    const frame = frameMllp(adt('SPLIT1'));
    const parts = [
      frame.subarray(0, 1),
      frame.subarray(1, 40),
      frame.subarray(40, frame.length - 1),
      frame.subarray(frame.length - 1),
    ];
    const { replies } = await exchange(src.port, parts, { expect: 1, gapMs: 30 });
    expect(ackValue(replies[0]!, 'MSA-2')).to.equal('SPLIT1');
  });

  it('acknowledges three frames packed into one write, in order', async () => {
    const packed = Buffer.concat(['P1', 'P2', 'P3'].map((id) => frameMllp(adt(id))));
    const { replies } = await exchange(src.port, [packed], { expect: 3 });
    expect(replies.map((r) => ackValue(r, 'MSA-2'))).to.deep.equal(['P1', 'P2', 'P3']);
  });

  it('skips garbage between frames and acknowledges both frames', async () => {
    const data = Buffer.concat([
      frameMllp(adt('G1')),
      Buffer.from('\x00\x01noise\r\n'),
      frameMllp(adt('G2')),
    ]);
    const { replies } = await exchange(src.port, [data], { expect: 2 });
    expect(replies.map((r) => ackValue(r, 'MSA-2'))).to.deep.equal(['G1', 'G2']);
    expect(await src.store.list({ channel: CHANNEL })).to.have.length(2);
  });

  it('refuses a frame with no end block with a NAK naming it, keeps it as ERROR, and accepts the next frame', async () => {
    const data = Buffer.concat([
      Buffer.from([0x0b]),
      Buffer.from(adt('NOEND')),
      frameMllp(adt('AFTER')),
    ]);
    const { replies } = await exchange(src.port, [data], { expect: 2 });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AR');
    expect(ackValue(replies[0]!, 'MSA-2')).to.equal('NOEND');
    expect(ackValue(replies[0]!, 'ERR-5.1')).to.equal('SOURCE_BAD_REQUEST');
    expect(ackValue(replies[1]!, 'MSA-2')).to.equal('AFTER');
    expect(await src.store.findByControlId(CHANNEL, 'PAS/RXX01', 'NOEND')).to.equal(undefined);
    const kept = (await src.store.list({ channel: CHANNEL })).filter((m) => m.status === 'ERROR');
    expect(kept.map((m) => m.messageType)).to.deep.equal(['UNTERMINATED']);
    expect((await src.store.get(kept[0]!.id))?.raw?.toString('utf8')).to.equal(adt('NOEND'));
  });
});
