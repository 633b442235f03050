import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import hl7 from 'simple-hl7';
import { EngineError } from '../../../src/core/errors.js';
import type { DestinationContext } from '../../../src/core/plugins.js';
import { MllpDestination, MllpDestinationSchema } from '../../../src/destinations/mllp/index.js';
import { buildAck, parseHl7 } from '../../../src/formats/hl7v2/index.js';
import { frameMllp, MllpDecoder } from '../../../src/sources/mllp/index.js';
import type { StoredMessage } from '../../../src/core/store-types.js';
import { sample } from '../../formats/hl7v2/samples.js';
import { storelessServices } from '../../support/destination-services.js';

const RRI = sample('rri-i12.hl7').toString('utf8');

function context(outbound: unknown, raw: Buffer | null = null): DestinationContext {
  const logger = pino({ level: 'silent' });
  const message = { id: 1, raw, status: 'TRANSFORMED' } as unknown as StoredMessage;
  return {
    channelId: 'c',
    logger,
    services: storelessServices(logger),
    message,
    mapped: {
      kind: 'mapped',
      operation: 'forward',
      input: {},
      mappingId: 'none',
      mappingHash: 'none',
    },
    previous: { ers: { output: { outbound } } },
    now: Date.now(),
    signal: new AbortController().signal,
  };
}

type Script = (payload: Buffer, socket: Socket) => void;

/** A PAS stand-in on node:net that answers each frame as the test scripts it. */
async function scriptedPas(
  script: Script,
): Promise<{ port: number; server: Server; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    const d = new MllpDecoder(1 << 24);
    socket.on('data', (c: Buffer) => {
      for (const e of d.push(c)) {
        if (e.kind !== 'frame') continue;
        received.push(e.payload);
        script(e.payload, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, received };
}

const answer = (code: 'AA' | 'AE' | 'AR') => (payload: Buffer, socket: Socket) => {
  socket.write(
    frameMllp(buildAck(parseHl7(payload), { code, controlId: 'PAS1', now: Date.now() })),
  );
};

function destination(port: number, extra: Record<string, unknown> = {}): MllpDestination {
  return new MllpDestination(
    MllpDestinationSchema.parse({ host: '127.0.0.1', port, ackTimeoutMs: 2000, ...extra }),
  );
}

async function failure(p: Promise<unknown>): Promise<EngineError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected the send to fail');
}

describe('MLLP destination', () => {
  const servers: Server[] = [];
  const dests: MllpDestination[] = [];
  const pas = async (script: Script) => {
    const p = await scriptedPas(script);
    servers.push(p.server);
    return p;
  };
  const dest = (port: number, extra?: Record<string, unknown>) => {
    const d = destination(port, extra);
    dests.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dests.splice(0)) await d.close();
    for (const s of servers.splice(0)) s.close();
  });

  it('delivers outbound HL7 to simple-hl7’s listener and records its AA', async () => {
    const got: string[] = [];
    const server = hl7.Server.createTcpServer(
      (err: unknown, req: { raw: string }, res: { end(): void }) => {
        if (err === null) {
          got.push(req.raw);
          res.end();
        }
      },
    );
    server.start(0);
    try {
      if (!server.server.listening) await once(server.server, 'listening');
      const port = (server.server.address() as AddressInfo).port;
      const result = await dest(port).send(context([RRI]));
      expect(result.output?.acks).to.deep.equal([{ controlId: 'ERS0000001', ack: 'AA' }]);
      expect(got[0]).to.include('RRI^I12');
    } finally {
      server.stop();
    }
  });

  it('sends the message as received when payload is raw', async () => {
    const p = await pas(answer('AA'));
    await dest(p.port, { payload: 'raw' }).send(context(undefined, sample('adt-a08.hl7')));
    expect(p.received[0]?.equals(sample('adt-a08.hl7'))).to.equal(true);
  });

  it('sends several outbound messages in order on one connection', async () => {
    const p = await pas(answer('AA'));
    const second = RRI.replace('ERS0000001', 'ERS0000002');
    await dest(p.port).send(context([RRI, second]));
    expect(p.received.map((b) => parseHl7(b).controlId)).to.deep.equal([
      'ERS0000001',
      'ERS0000002',
    ]);
  });

  it('treats AE as a transient refusal by default', async () => {
    const p = await pas(answer('AE'));
    const e = await failure(dest(p.port).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_REJECTED', 'transient']);
  });

  it('treats AE as permanent when onApplicationError is reject', async () => {
    const p = await pas(answer('AE'));
    const e = await failure(dest(p.port, { onApplicationError: 'reject' }).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_REJECTED', 'permanent']);
  });

  it('treats AR as a permanent refusal', async () => {
    const p = await pas(answer('AR'));
    const e = await failure(dest(p.port).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_REJECTED', 'permanent']);
  });

  it('reports a missing ACK as ambiguous', async () => {
    const p = await pas(() => undefined);
    const e = await failure(dest(p.port, { ackTimeoutMs: 150 }).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_NO_ACK', 'ambiguous']);
  });

  it('reports an ACK for another message as ambiguous', async () => {
    const other = parseHl7(RRI.replace('ERS0000001', 'OTHER'));
    const p = await pas((_payload, socket) => {
      socket.write(frameMllp(buildAck(other, { code: 'AA', controlId: 'P', now: 0 })));
    });
    const e = await failure(dest(p.port).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_NO_ACK', 'ambiguous']);
  });

  it('reports a refused connection as transient', async () => {
    const p = await pas(answer('AA'));
    await new Promise<void>((r) =>
      p.server.close(() => {
        r();
      }),
    );
    const e = await failure(dest(p.port).send(context([RRI])));
    expect([e.code, e.retry]).to.deep.equal(['DEST_UNAVAILABLE', 'transient']);
  });

  it('reconnects after the PAS drops the connection', async () => {
    let calls = 0;
    const p = await pas((payload, socket) => {
      calls++;
      if (calls === 1) socket.destroy();
      else answer('AA')(payload, socket);
    });
    const d = dest(p.port);
    const e = await failure(d.send(context([RRI])));
    expect(e.code).to.equal('DEST_NO_ACK');
    const result = await d.send(context([RRI]));
    expect(result.output?.acks).to.have.length(1);
  });
});
