import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { eventually } from '../../support/engine-harness.js';
import { frameMllp, MllpDecoder } from '../../../src/sources/mllp/index.js';
import { ackValue, adt, CHANNEL, exchange, startSource, type RunningSource } from './support.js';

interface Peer {
  readonly socket: Socket;
  readonly replies: string[];
  readonly closed: Promise<void>;
}

/** A raw connection from `localAddress` (any 127.x.y.z is this machine on Linux). */
function open(port: number, localAddress = '127.0.0.1'): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const decoder = new MllpDecoder(1 << 24);
    const replies: string[] = [];
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        r();
      }),
    );
    socket.on('data', (d: Buffer) => {
      for (const e of decoder.push(d)) if (e.kind === 'frame') replies.push(e.payload.toString());
    });
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      resolve({ socket, replies, closed });
    });
    socket.once('error', reject);
  });
}

const VT = Buffer.from([0x0b]);

describe('MLLP listener limits', () => {
  let src: RunningSource | undefined;
  const peers: Peer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) p.socket.destroy();
    await src?.close();
    src = undefined;
  });

  it("makes room among one address's own connections past maxConnectionsPerAddress, leaving other addresses alone", async () => {
    src = await startSource({ maxConnectionsPerAddress: 3 });
    const other = await open(src.port, '127.0.0.3');
    peers.push(other);
    for (let i = 0; i < 6; i++) peers.push(await open(src.port, '127.0.0.2'));
    // The three oldest from 127.0.0.2 are closed to admit the three newest.
    await Promise.all(peers.slice(1, 4).map((p) => p.closed));
    expect(peers.slice(4).every((p) => !p.socket.destroyed)).to.equal(true);
    expect(other.socket.destroyed).to.equal(false);
  });

  it('serves a sender from the same address as 100 idle connections', async () => {
    src = await startSource({ maxConnectionsPerAddress: 8 });
    const opening = Buffer.concat([VT, Buffer.from('M')]);
    for (let i = 0; i < 100; i++) {
      const p = await open(src.port);
      p.socket.write(opening);
      peers.push(p);
    }
    const { replies } = await exchange(src.port, [frameMllp(adt('WELL1'))], { expect: 1 });
    expect(ackValue(replies[0]!, 'MSA-1')).to.equal('AA');
  });

  it('makes room at maxConnections by closing the longest-idle connection', async () => {
    src = await startSource({ maxConnections: 4, maxConnectionsPerAddress: 100 });
    for (let i = 0; i < 4; i++) peers.push(await open(src.port, `127.0.0.${10 + i}`));
    const { replies } = await exchange(src.port, [frameMllp(adt('WELL2'))], { expect: 1 });
    expect(ackValue(replies[0]!, 'MSA-2')).to.equal('WELL2');
    await peers[0]!.closed;
  });

  it('closes a connection that sends only bytes outside frames once idleTimeoutMs passes', async () => {
    src = await startSource({ idleTimeoutMs: 300 });
    const peer = await open(src.port);
    peers.push(peer);
    // A CR every 50 ms: each byte would have reset a socket timeout.
    const trickle = setInterval(() => peer.socket.write('\r'), 50);
    try {
      await peer.closed;
    } finally {
      clearInterval(trickle);
    }
  });

  it('ends a frame that trickles past frameTimeoutMs with a NAK, and keeps what arrived as ERROR', async () => {
    src = await startSource({ frameTimeoutMs: 300, idleTimeoutMs: 0 });
    const peer = await open(src.port);
    peers.push(peer);
    const head = 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|SLOWLY|P|2.4\rPID|1||';
    peer.socket.write(Buffer.concat([VT, Buffer.from(head)]));
    const trickle = setInterval(() => peer.socket.write('9'), 50);
    try {
      await peer.closed;
    } finally {
      clearInterval(trickle);
    }
    expect(ackValue(peer.replies[0]!, 'MSA-1')).to.equal('AR');
    expect(ackValue(peer.replies[0]!, 'MSA-2')).to.equal('SLOWLY');
    expect(ackValue(peer.replies[0]!, 'ERR-5.1')).to.equal('SOURCE_FRAME_TIMEOUT');
    const [kept] = await src.store.list({ channel: CHANNEL });
    expect(kept?.status).to.equal('ERROR');
    expect(kept?.messageType).to.equal('UNTERMINATED');
    expect((await src.store.get(kept!.id))?.raw?.toString()).to.match(
      /^MSH.*SLOWLY.*PID\|1\|\|9+$/s,
    );
  });

  it('keeps a frame cut off by its sender closing the connection as ERROR', async () => {
    src = await startSource();
    const peer = await open(src.port);
    peer.socket.end(Buffer.concat([VT, Buffer.from(adt('CUTOFF').slice(0, 70))]));
    // Appended, then moved to ERROR with its NAK: wait for the second write.
    const kept = await eventually(async () => {
      const [m] = await src!.store.list({ channel: CHANNEL });
      return m?.status === 'ERROR' ? m : undefined;
    });
    expect(kept.messageType).to.equal('UNTERMINATED');
    // The sender only shut its side: it still hears why.
    await peer.closed;
    expect(ackValue(peer.replies[0]!, 'MSA-2')).to.equal('CUTOFF');
  });

  it('refuses the frame that passes maxBufferedBytes across connections, and serves the others', async () => {
    src = await startSource({ maxBufferedBytes: 4096, maxMessageBytes: 1 << 20 });
    const first = await open(src.port);
    const second = await open(src.port);
    peers.push(first, second);
    const big = (id: string): string => adt(id, 'x'.repeat(3000));
    first.socket.write(Buffer.concat([VT, Buffer.from(big('FIRST').slice(0, 3100))]));
    await eventually(() => src!.source.status().detail?.['bufferedBytes'] === 3100);
    second.socket.write(Buffer.concat([VT, Buffer.from(big('SECOND').slice(0, 3100))]));
    await second.closed;
    expect(ackValue(second.replies[0]!, 'MSA-2')).to.equal('SECOND');
    expect(ackValue(second.replies[0]!, 'ERR-5.1')).to.equal('SOURCE_MESSAGE_TOO_LARGE');
    first.socket.write(frameMllp(big('FIRST')).subarray(3101));
    await eventually(() => first.replies.length === 1);
    expect(ackValue(first.replies[0]!, 'MSA-1')).to.equal('AA');
    const kept = await src.store.list({ channel: CHANNEL, status: 'ERROR' });
    expect(kept.map((m) => m.messageType)).to.deep.equal(['TOO_LARGE']);
  });

  it('acknowledges a sender that half-closes right after writing its message', async () => {
    src = await startSource();
    const peer = await open(src.port);
    peer.socket.end(frameMllp(adt('HALF1')));
    await peer.closed;
    expect(ackValue(peer.replies[0]!, 'MSA-2')).to.equal('HALF1');
  });

  it('sends nothing to a resent message that asked for no ACK', async () => {
    src = await startSource();
    const silent = 'MSH|^~\\&|PAS|RXX01|ERS|RXX01|1||ADT^A08|QUIET2|P|2.5|||NE|NE\rPID|1\r';
    const { replies } = await exchange(
      src.port,
      [frameMllp(silent), frameMllp(silent), frameMllp(adt('LOUD2'))],
      { expect: 1 },
    );
    expect(replies.map((r) => ackValue(r, 'MSA-2'))).to.deep.equal(['LOUD2']);
  });
});
