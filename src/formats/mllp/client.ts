import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { EngineError } from '../../core/errors.js';
import { frameMllp, MllpDecoder } from './framing.js';

export interface MllpClientOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  readonly ackTimeoutMs: number;
  readonly tls?: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly rejectUnauthorized: boolean;
  };
  /** Largest ACK accepted. */
  readonly maxAckBytes?: number;
}

interface Waiting {
  resolve(ack: Buffer): void;
  reject(error: EngineError): void;
}

/**
 * One persistent MLLP connection, one message in flight at a time (MLLP is request/ACK, and it
 * keeps order). A dropped connection is reopened on the next send. Failures are EngineErrors:
 * not connected → DEST_UNAVAILABLE (surely not delivered, transient); sent but no ACK →
 * DEST_NO_ACK (may have been delivered, ambiguous).
 */
export class MllpClient {
  private socket: Socket | undefined;
  private decoder: MllpDecoder | undefined;
  private waiting: Waiting | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: MllpClientOptions) {}

  /** Sends one message (already encoded) and resolves with the ACK's bytes. */
  send(payload: Buffer, signal?: AbortSignal): Promise<Buffer> {
    const run = this.chain.then(() => this.exchange(payload, signal));
    this.chain = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async exchange(payload: Buffer, signal?: AbortSignal): Promise<Buffer> {
    if (signal?.aborted === true)
      throw new EngineError('ENGINE_SHUTTING_DOWN', 'send aborted before it started');
    const socket = await this.connected();
    return new Promise<Buffer>((resolve, reject) => {
      const fail = (error: EngineError): void => {
        cleanup();
        this.close(); // a late ACK must never be taken for the next message's
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(
          new EngineError('DEST_NO_ACK', `no ACK within ${this.options.ackTimeoutMs} ms`, {
            context: this.where(),
          }),
        );
      }, this.options.ackTimeoutMs);
      const onAbort = (): void => {
        fail(
          new EngineError('DEST_NO_ACK', 'send aborted while waiting for the ACK', {
            context: this.where(),
          }),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiting = undefined;
      };
      this.waiting = {
        resolve: (ack) => {
          cleanup();
          resolve(ack);
        },
        reject: fail,
      };
      socket.write(frameMllp(payload));
    });
  }

  private where(): Record<string, unknown> {
    return { host: this.options.host, port: this.options.port };
  }

  private connected(): Promise<Socket> {
    if (this.socket !== undefined && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const { host, port, tls } = this.options;
      const socket =
        tls === undefined
          ? connect({ host, port })
          : tlsConnect({
              host,
              port,
              rejectUnauthorized: tls.rejectUnauthorized,
              ...(tls.caFile === undefined ? {} : { ca: readFileSync(tls.caFile) }),
              ...(tls.certFile === undefined ? {} : { cert: readFileSync(tls.certFile) }),
              ...(tls.keyFile === undefined ? {} : { key: readFileSync(tls.keyFile) }),
            });
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect timeout after ${this.options.connectTimeoutMs} ms`));
      }, this.options.connectTimeoutMs);
      const onError = (e: Error): void => {
        clearTimeout(timer);
        reject(
          new EngineError('DEST_UNAVAILABLE', `cannot connect to ${host}:${port}: ${e.message}`, {
            cause: e,
            context: this.where(),
          }),
        );
      };
      socket.once('error', onError);
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        this.attach(socket);
        resolve(socket);
      });
    });
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    this.decoder = new MllpDecoder(this.options.maxAckBytes ?? 16 * 1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      for (const e of this.decoder?.push(chunk) ?? []) {
        if (e.kind === 'frame') this.waiting?.resolve(e.payload);
      }
    });
    socket.on('error', () => undefined); // the close that follows is what matters
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.waiting?.reject(
        new EngineError('DEST_NO_ACK', 'the connection closed before the ACK came', {
          context: this.where(),
        }),
      );
    });
  }
}
