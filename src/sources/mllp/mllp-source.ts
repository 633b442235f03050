import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { EngineError } from '../../engine/errors.js';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../engine/plugins.js';
import { recoverAckTarget } from '../../formats/hl7v2/index.js';
import { answerFrame, type FrameDeps } from './answer-frame.js';
import { frameMllp, MllpDecoder, type MllpEvent } from './framing.js';
import { factReader } from './message-facts.js';
import { commitReply } from './replies.js';
import type { MllpSourceConfig } from './schema.js';
import { ackLatency } from '../../admin/metrics.js';

/** Frames waiting on one connection before reading pauses (a client that does not wait for ACKs). */
const MAX_QUEUED_FRAMES = 32;

interface Connection {
  readonly socket: Socket;
  chain: Promise<void>;
  queued: number;
  closing: boolean;
}

/**
 * The MLLP listener. Each connection answers its frames strictly in order (MLLP is one ACK per
 * message); connections run concurrently and their stores share the store's group commit.
 */
export class MllpSource implements Source {
  private server: Server | undefined;
  private context: SourceContext | undefined;
  private readonly connections = new Set<Connection>();
  private nakSeq = 0;

  constructor(
    private readonly config: MllpSourceConfig,
    private readonly factory: PluginFactoryContext,
  ) {}

  async start(context: SourceContext): Promise<void> {
    this.context = context;
    const onSocket = (socket: Socket): void => {
      this.accept(socket, context);
    };
    const tls = this.config.tls;
    this.server =
      tls === undefined
        ? createServer(onSocket)
        : createTlsServer(
            {
              cert: readFileSync(tls.certFile),
              key: readFileSync(tls.keyFile),
              ...(tls.caFile === undefined ? {} : { ca: readFileSync(tls.caFile) }),
              requestCert: tls.requestClientCert,
              rejectUnauthorized: tls.requestClientCert,
            },
            (s: TLSSocket) => {
              onSocket(s);
            },
          );
    this.server.maxConnections = this.config.maxConnections;
    const server = this.server;
    server.on('tlsClientError', (e: Error) => {
      context.logger.warn({ err: e.message }, 'MLLP TLS handshake refused');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    for (const c of this.connections) c.closing = true;
    const grace = new Promise((r) => setTimeout(r, 5000).unref());
    await Promise.race([Promise.all([...this.connections].map((c) => c.chain)), grace]);
    for (const c of this.connections) c.socket.destroy();
    await closed;
  }

  status(): SourceStatus {
    const address = this.server?.address() as AddressInfo | null | undefined;
    const port = address?.port ?? this.config.port;
    return {
      type: 'mllp',
      endpoint: `${this.config.tls === undefined ? 'mllp' : 'mllps'}://${this.config.host}:${port}`,
      listening: this.server?.listening === true,
      detail: { connections: this.connections.size, tls: this.config.tls !== undefined },
    };
  }

  private accept(socket: Socket, context: SourceContext): void {
    const conn: Connection = { socket, chain: Promise.resolve(), queued: 0, closing: false };
    this.connections.add(conn);
    const decoder = new MllpDecoder(this.config.maxMessageBytes);
    const deps: FrameDeps = {
      context,
      config: this.config,
      facts: factReader(this.config),
      sourceMeta: {
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort,
        tls: this.config.tls !== undefined,
      },
      now: this.factory.services.clock,
      nakControlId: () => `N${this.factory.services.clock()}-${++this.nakSeq}`,
    };
    socket.setNoDelay(true);
    if (this.config.idleTimeoutMs > 0)
      socket.setTimeout(this.config.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) this.enqueue(conn, event, deps);
    });
    socket.on('error', (e) => {
      context.logger.debug({ err: e.message }, 'MLLP connection error');
    });
    socket.on('close', () => this.connections.delete(conn));
  }

  private enqueue(conn: Connection, event: MllpEvent, deps: FrameDeps): void {
    if (conn.closing && event.kind !== 'garbage') return;
    if (event.kind === 'tooLarge') conn.closing = true;
    conn.queued++;
    if (conn.queued > MAX_QUEUED_FRAMES) conn.socket.pause();
    conn.chain = conn.chain
      .then(() => this.handle(conn, event, deps))
      .catch((e: unknown) => {
        deps.context.logger.error({ err: (e as Error).message }, 'MLLP frame failed');
      })
      .finally(() => {
        conn.queued--;
        if (conn.queued <= MAX_QUEUED_FRAMES && conn.socket.isPaused()) conn.socket.resume();
      });
  }

  private async handle(conn: Connection, event: MllpEvent, deps: FrameDeps): Promise<void> {
    const { socket } = conn;
    switch (event.kind) {
      case 'frame': {
        const started = performance.now();
        const answer = await answerFrame(event.payload, deps);
        if (answer !== undefined && !socket.destroyed) {
          socket.write(frameMllp(answer));
          ackLatency.observe(
            { channel: deps.context.channelId },
            (performance.now() - started) / 1000,
          );
        }
        return;
      }
      case 'garbage':
        deps.context.logger.warn({ bytes: event.bytes }, 'MLLP bytes outside a frame skipped');
        return;
      case 'unterminated':
        this.nak(
          socket,
          event.payload,
          new EngineError(
            'SOURCE_BAD_REQUEST',
            'the frame had no end block (FS CR); it was not accepted, send it again',
          ),
          deps,
        );
        return;
      case 'tooLarge':
        this.nak(
          socket,
          event.head,
          new EngineError(
            'SOURCE_MESSAGE_TOO_LARGE',
            `the message is larger than ${this.config.maxMessageBytes} bytes`,
          ),
          deps,
        );
        socket.end();
        return;
      default:
        event satisfies never;
    }
  }

  /** A NAK for a frame that was not stored; only when its control id can be recovered. */
  private nak(socket: Socket, payload: Buffer, error: EngineError, deps: FrameDeps): void {
    const target = recoverAckTarget(payload);
    deps.context.logger.warn(
      { code: error.code, controlId: target?.controlId },
      'MLLP frame refused',
    );
    if (target === undefined || target.controlId === '' || socket.destroyed) return;
    socket.write(
      frameMllp(commitReply(target, { controlId: deps.nakControlId(), now: deps.now(), error })),
    );
  }
}
