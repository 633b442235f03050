import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { EngineError } from '../../core/errors.js';
import { listenFailure } from '../../core/listen-error.js';
import type {
  PluginFactoryContext,
  Source,
  SourceContext,
  SourceStatus,
} from '../../core/plugins.js';
import { answerFrame, type FrameDeps } from './answer-frame.js';
import { admit, expiryOf, sweepIntervalMs, type ConnectionState } from './connection-limits.js';
import { frameMllp, MllpDecoder, type MllpEvent } from '../../formats/mllp/framing.js';
import { keepRefusedFrame, type RefusedFrame } from './refused-frames.js';
import { resumePending } from './late-follow.js';
import { LateReplySender } from './late-replies.js';
import { PendingLateReplies } from './pending-late.js';
import { factReader, type FactReader } from './message-facts.js';
import type { MllpSourceConfig } from './schema.js';
import { ackLatency } from '../../core/metrics.js';

/** Frames waiting on one connection before reading pauses (a client that does not wait for ACKs). */
const MAX_QUEUED_FRAMES = 32;

interface Connection extends ConnectionState {
  readonly socket: Socket;
  readonly decoder: MllpDecoder;
  readonly deps: FrameDeps;
  address: string;
  chain: Promise<void>;
  queued: number;
  closing: boolean;
  lastFrameAt: number;
  frameStartedAt: number | undefined;
  /** Bytes of its unfinished frame counted in the listener's buffer budget. */
  buffered: number;
}

type Work = MllpEvent | Extract<RefusedFrame, { kind: 'expired' }>;

/** How long a refused peer has to read its NAK before its connection is dropped. */
const LINGER_MS = 10_000;

/**
 * The MLLP listener. Each connection answers its frames strictly in order (MLLP is one ACK per
 * message); connections run concurrently and their stores share the store's group commit.
 * Limits (connections per address and in total, idle time, frame deadline, buffered bytes) keep
 * a misbehaving or hostile peer from locking the PAS out; see connection-limits.ts.
 */
export class MllpSource implements Source {
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private nakSeq = 0;
  private buffered = 0;
  private refused = 0;
  private sweeper: NodeJS.Timeout | undefined;
  private stopping = false;
  private late: LateReplySender | undefined;
  /** Paths compiled once for every connection (a connection flood must not recompile them). */
  private readonly facts: FactReader;

  constructor(
    private readonly config: MllpSourceConfig,
    private readonly factory: PluginFactoryContext,
  ) {
    this.facts = factReader(config);
  }

  async start(context: SourceContext): Promise<void> {
    this.stopping = false;
    this.late = new LateReplySender(
      this.config.ack.lateReplies,
      context.logger,
      new PendingLateReplies(context.services.store, context.channelId),
    );
    const onSocket = (socket: Socket): void => {
      this.accept(socket, context);
    };
    const tls = this.config.tls;
    // Half-open: a sender that shuts down its side after writing still gets its ACKs.
    this.server =
      tls === undefined
        ? createServer({ allowHalfOpen: true }, onSocket)
        : createTlsServer(
            {
              allowHalfOpen: true,
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
    const server = this.server;
    server.on('tlsClientError', (e: Error) => {
      context.logger.warn({ err: e.message }, 'MLLP TLS handshake refused');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => {
        reject(
          listenFailure(e, {
            what: `channel ${context.channelId}: the MLLP listener`,
            host: this.config.host,
            port: this.config.port,
            setting: 'source.port (or source.host) in the channel file',
            code: 'SOURCE_PORT_IN_USE',
          }),
        );
      });
      server.listen(this.config.port, this.config.host, () => {
        server.removeAllListeners('error');
        server.on('error', (e: Error) => {
          context.logger.error({ err: e.message }, 'MLLP listener error');
        });
        resolve();
      });
    }).catch((e: unknown) => {
      this.server = undefined;
      this.late?.close();
      throw e;
    });
    const late = this.late;
    void resumePending(this.config, { context, late, now: this.factory.services.clock }).then(
      (n) => {
        if (n > 0)
          context.logger.info({ stage: 'source', pending: n }, 'late application ACKs resumed');
      },
      (e: unknown) => {
        context.logger.error({ err: (e as Error).message }, 'late application ACKs not resumed');
      },
    );
    const every = sweepIntervalMs(this.config);
    this.sweeper = setInterval(() => {
      this.sweep(context);
    }, every);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.stopping = true;
    clearInterval(this.sweeper);
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    for (const c of this.connections) c.closing = true;
    const grace = new Promise((r) => setTimeout(r, 5000).unref());
    await Promise.race([Promise.all([...this.connections].map((c) => c.chain)), grace]);
    for (const c of this.connections) c.socket.destroy();
    this.late?.close();
    await closed;
  }

  status(): SourceStatus {
    const address = this.server?.address() as AddressInfo | null | undefined;
    const port = address?.port ?? this.config.port;
    return {
      type: 'mllp',
      endpoint: `${this.config.tls === undefined ? 'mllp' : 'mllps'}://${this.config.host}:${port}`,
      listening: this.server?.listening === true,
      detail: {
        connections: this.connections.size,
        bufferedBytes: this.buffered,
        tls: this.config.tls !== undefined,
      },
    };
  }

  private accept(socket: Socket, context: SourceContext): void {
    const address = socket.remoteAddress ?? 'unknown';
    const admission = admit(address, this.connections, this.config);
    if (admission.kind === 'refuse') {
      this.refused++;
      socket.destroy();
      return;
    }
    if (admission.kind === 'evict') (admission.victim as Connection).socket.destroy();
    const now = this.factory.services.clock();
    const conn: Connection = {
      socket,
      address,
      decoder: new MllpDecoder(this.config.maxMessageBytes),
      deps: this.frameDeps(socket, context),
      chain: Promise.resolve(),
      queued: 0,
      closing: false,
      lastFrameAt: now,
      frameStartedAt: undefined,
      buffered: 0,
    };
    this.connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.receive(conn, chunk);
    });
    socket.on('end', () => {
      // The sender shut its side: finish what it sent (a frame cut short is kept), then close.
      this.giveUpFrame(conn, 'the connection was shut down before the frame ended');
      void conn.chain.finally(() => socket.end());
    });
    socket.on('error', (e) => {
      context.logger.debug({ err: e.message }, 'MLLP connection error');
    });
    socket.on('close', () => {
      this.giveUpFrame(conn, 'the connection closed before the frame ended');
      this.connections.delete(conn);
    });
  }

  private frameDeps(socket: Socket, context: SourceContext): FrameDeps {
    return {
      context,
      config: this.config,
      facts: this.facts,
      sourceMeta: {
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort,
        tls: this.config.tls !== undefined,
      },
      now: this.factory.services.clock,
      nakControlId: () => `N${this.factory.services.clock()}-${++this.nakSeq}`,
      late: this.late as LateReplySender,
    };
  }

  private receive(conn: Connection, chunk: Buffer): void {
    const events = conn.decoder.push(chunk);
    const now = this.factory.services.clock();
    let ended = false;
    for (const event of events) {
      if (event.kind !== 'garbage') ended = true;
      this.enqueue(conn, event);
    }
    if (ended) conn.lastFrameAt = now;
    if (!conn.decoder.inMessage) conn.frameStartedAt = undefined;
    else if (conn.frameStartedAt === undefined || ended) conn.frameStartedAt = now;
    this.account(conn);
    if (this.buffered > this.config.maxBufferedBytes && conn.decoder.inMessage) {
      const error = new EngineError(
        'SOURCE_MESSAGE_TOO_LARGE',
        `the listener holds more than ${this.config.maxBufferedBytes} bytes of unfinished frames; send it again later`,
      );
      this.abandonFrame(conn, error, true);
      this.closeAfterAnswers(conn, true);
    }
  }

  /** Takes no more frames from the connection and ends it once its answers are written. */
  private closeAfterAnswers(conn: Connection, stopReading = false): void {
    conn.closing = true;
    // The rest of a refused frame is not worth reading: the NAK is written, then we hang up.
    if (stopReading) conn.socket.pause();
    void conn.chain.finally(() => {
      conn.socket.end();
      setTimeout(() => conn.socket.destroy(), LINGER_MS).unref();
    });
  }

  /** Keeps the listener's count of unfinished-frame bytes in step with a connection's decoder. */
  private account(conn: Connection): void {
    const now = conn.decoder.pending;
    this.buffered += now - conn.buffered;
    conn.buffered = now;
  }

  /** Gives up the frame being received; `headOnly` keeps its first 4 KiB (a refusal for size). */
  private abandonFrame(conn: Connection, error: EngineError, headOnly = false): void {
    const payload = conn.decoder.abandon(headOnly);
    conn.frameStartedAt = undefined;
    this.account(conn);
    this.enqueue(conn, { kind: 'expired', payload, error, headOnly }, true);
  }

  private giveUpFrame(conn: Connection, why: string): void {
    if (!conn.decoder.inMessage) return;
    if (this.stopping) {
      conn.decoder.abandon();
      this.account(conn);
      return;
    }
    this.abandonFrame(conn, new EngineError('SOURCE_FRAME_TIMEOUT', `${why}; send it again`));
  }

  private sweep(context: SourceContext): void {
    const now = this.factory.services.clock();
    if (this.refused > 0) {
      context.logger.warn(
        { refused: this.refused, open: this.connections.size },
        'MLLP connections refused (maxConnectionsPerAddress / maxConnections)',
      );
      this.refused = 0;
    }
    for (const conn of this.connections) {
      const expiry = expiryOf(conn, now, this.config);
      switch (expiry) {
        case 'none':
          break;
        case 'idle':
          conn.socket.destroy();
          break;
        case 'frameDeadline':
          this.abandonFrame(
            conn,
            new EngineError(
              'SOURCE_FRAME_TIMEOUT',
              `the frame did not end within ${this.config.frameTimeoutMs} ms; send it again`,
            ),
          );
          this.closeAfterAnswers(conn);
          break;
        default:
          expiry satisfies never;
      }
    }
  }

  private enqueue(conn: Connection, event: Work, force = false): void {
    if (conn.closing && !force && event.kind !== 'garbage') return;
    conn.queued++;
    if (conn.queued > MAX_QUEUED_FRAMES) conn.socket.pause();
    conn.chain = conn.chain
      .then(() => this.handle(conn, event))
      .catch((e: unknown) => {
        conn.deps.context.logger.error({ err: (e as Error).message }, 'MLLP frame failed');
      })
      .finally(() => {
        conn.queued--;
        conn.lastFrameAt = this.factory.services.clock();
        if (conn.queued <= MAX_QUEUED_FRAMES && conn.socket.isPaused() && !conn.closing)
          conn.socket.resume();
      });
    if (event.kind === 'tooLarge') this.closeAfterAnswers(conn, true);
  }

  private async handle(conn: Connection, event: Work): Promise<void> {
    const { socket, deps } = conn;
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
      case 'tooLarge':
      case 'expired':
        await this.refuse(socket, event, deps);
        return;
      default:
        event satisfies never;
    }
  }

  private async refuse(socket: Socket, event: RefusedFrame, deps: FrameDeps): Promise<void> {
    const nak = await keepRefusedFrame(event, deps, this.config.maxMessageBytes);
    if (nak !== undefined && !socket.destroyed && socket.writable) socket.write(frameMllp(nak));
  }
}
