/**
 * The two in-process baselines of the whole-engine bench, on 127.0.0.1 only:
 *  - a bare node:net MLLP echo: finds each frame's end and writes one fixed ACK (no parse, no
 *    store), the ceiling of the socket path on this machine;
 *  - Medplum's HL7 listener (`@medplum/hl7`): parses each message and answers `buildAck()` (AA)
 *    at once, no store: a peer engine's listener.
 */
import { Hl7Connection, Hl7Server, type Hl7MessageEvent } from '@medplum/hl7';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { buildAck, parseHl7 } from '../../src/formats/hl7v2/index.js';
import { frameMllp, MllpDecoder } from '../../src/sources/mllp/index.js';

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((r) => {
        server.close(() => {
          r();
        });
        // The load generator has ended its sockets; anything left is dropped.
        server.unref();
      }),
  };
}

export function bareEcho(template: string): Promise<Listening> {
  const ack = frameMllp(
    buildAck(parseHl7(template), { code: 'CA', controlId: 'X', now: Date.now() }),
  );
  const server = createServer((s) => {
    s.setNoDelay(true);
    const d = new MllpDecoder(1 << 24);
    s.on('data', (c: Buffer) => {
      for (const e of d.push(c)) if (e.kind === 'frame') s.write(ack);
    });
    s.on('error', () => undefined);
  });
  return listen(server);
}

/**
 * Medplum's `Hl7Server` with the handler a no-store listener has: ACK (AA) every message at once.
 * `Hl7Server.start(port)` listens on every interface and takes no host, so its one-line body
 * (a net server handing each socket to `handler(new Hl7Connection(socket))`) is repeated here
 * on 127.0.0.1; the parsing, framing and ACK are all Medplum's.
 */
export function medplumServer(): Promise<Listening> {
  const medplum = new Hl7Server((connection) => {
    connection.addEventListener('message', (event: Hl7MessageEvent) => {
      connection.send(event.message.buildAck());
    });
    connection.addEventListener('error', () => undefined);
  });
  const server = createServer((socket) => {
    // As Hl7Server.start does: no setNoDelay of ours, Medplum's socket settings as they ship.
    socket.on('error', () => undefined);
    medplum.handler(new Hl7Connection(socket));
  });
  return listen(server);
}
