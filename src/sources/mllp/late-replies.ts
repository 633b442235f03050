import type { Logger } from 'pino';
import { MllpClient } from '../../formats/mllp/client.js';
import { judgeAck } from '../../formats/mllp/judge-ack.js';
import type { EngineError } from '../../core/errors.js';
import { encodeText, parseHl7 } from '../../formats/hl7v2/index.js';
import type { PendingLateReplies } from './pending-late.js';
import type { LateRepliesConfig } from './schema.js';

/** Longest pause between two tries of one late ACK. */
const MAX_BACKOFF_MS = 60_000;

/**
 * Sends application ACKs decided after the sender got its interim answer to the PAS's own MLLP
 * listener (the outbound link of HL7 enhanced mode), one at a time in the order decided, each
 * retried with backoff while the PAS is unreachable. Without `lateReplies` configured the late
 * ACK is only kept as the message's reply (a resend of the same MSH-10 gets it).
 */
export class LateReplySender {
  private readonly client: MllpClient | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly config: LateRepliesConfig | undefined,
    private readonly logger: Logger,
    /** Messages still owed their late ACK, kept in the store across restarts. */
    readonly pending: PendingLateReplies,
  ) {
    this.client =
      config === undefined
        ? undefined
        : new MllpClient({
            host: config.host,
            port: config.port,
            connectTimeoutMs: config.connectTimeoutMs,
            ackTimeoutMs: config.ackTimeoutMs,
            ...(config.tls === undefined ? {} : { tls: config.tls }),
          });
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** How long after an interim answer an outcome is still followed. */
  get windowMs(): number {
    return this.config?.windowMs ?? 86_400_000;
  }

  /** Queues one late ACK (HL7 text); resolves once it was acknowledged or given up. */
  send(text: string, messageId: number): Promise<boolean> {
    const run = this.chain.then(() => this.deliver(text, messageId));
    this.chain = run.then(() => undefined);
    return run;
  }

  /** True once the source stopped: what is still owed is resumed at the next start. */
  get stopped(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    this.client?.close();
  }

  private async deliver(text: string, messageId: number): Promise<boolean> {
    const client = this.client;
    if (client === undefined) return false;
    const msg = parseHl7(text);
    const payload = encodeText(text, msg.headerValue(18));
    const attempts = this.config?.attempts ?? 1;
    for (let attempt = 1; attempt <= attempts && !this.closed; attempt++) {
      try {
        const ack = await client.send(payload, this.abort.signal);
        judgeAck(ack, msg.controlId, { onApplicationError: 'reject' });
        this.logger.info({ stage: 'source', messageId }, 'late application ACK delivered');
        return true;
      } catch (error) {
        const e = error as EngineError;
        this.logger.warn(
          { stage: 'source', messageId, code: e.code, attempt },
          'late application ACK not delivered',
        );
        if (e.code === 'DEST_REJECTED') return false;
        await this.pause(Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1)));
      }
    }
    return false;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}
