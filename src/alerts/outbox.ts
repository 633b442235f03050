import type { Logger } from 'pino';
import { afterAttempt, nextSendAt, type DeliveryPolicy, type Pace } from './pacing.js';
import type { Receiver } from './receivers.js';
import type { Notice } from './types.js';

/** Notices sent in one message at most; more wait for the next. */
const BATCH = 50;

export interface OutboxStatus {
  readonly name: string;
  readonly type: string;
  readonly queued: number;
  readonly dropped: number;
  readonly failures: number;
  readonly lastError: string | null;
  readonly lastDeliveredAt: number | null;
  readonly nextAttemptAt: number | null;
}

/**
 * One receiver's queue. Notices waiting together go out as one message, paced by the delivery
 * policy (minimum interval, hourly cap, back-off while the receiver fails), so a burst of
 * incidents or a receiver coming back never floods anyone.
 */
export class Outbox {
  private queue: Notice[] = [];
  private dropped = 0;
  private pace: Pace = { sentAt: [], failures: 0, lastAttemptAt: null };
  private lastError: string | null = null;
  private lastDeliveredAt: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private dueAt: number | null = null;
  private sending: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly receiver: Receiver,
    private readonly options: {
      readonly policy: DeliveryPolicy;
      readonly instance: string;
      readonly clock: () => number;
      readonly logger: Logger;
    },
  ) {}

  add(notices: readonly Notice[]): void {
    if (notices.length === 0 || this.closed) return;
    this.queue.push(...notices);
    const over = this.queue.length - this.options.policy.maxQueued;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
    }
    this.schedule();
  }

  status(): OutboxStatus {
    return {
      name: this.receiver.name,
      type: this.receiver.type,
      queued: this.queue.length,
      dropped: this.dropped,
      failures: this.pace.failures,
      lastError: this.lastError,
      lastDeliveredAt: this.lastDeliveredAt,
      nextAttemptAt: this.queue.length > 0 ? this.dueAt : null,
    };
  }

  /** Stops the timer and waits for a send under way; what is queued is not sent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sending;
    this.receiver.close();
  }

  private schedule(): void {
    if (this.closed || this.sending !== null || this.queue.length === 0) return;
    const now = this.options.clock();
    const at = nextSendAt(this.pace, now, this.options.policy);
    if (this.timer !== undefined && this.dueAt !== null && this.dueAt <= at) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.deliver().finally(() => {
        this.sending = null;
        this.schedule();
      });
    }, at - now);
    this.timer.unref();
  }

  private async deliver(): Promise<void> {
    const batch = this.queue.slice(0, BATCH);
    const dropped = this.dropped;
    const log = this.options.logger.child({ stage: 'alerts', receiver: this.receiver.name });
    try {
      await this.receiver.send(batch, { instance: this.options.instance, dropped });
      this.queue.splice(0, batch.length);
      this.dropped -= dropped;
      this.lastError = null;
      this.lastDeliveredAt = this.options.clock();
      this.pace = afterAttempt(this.pace, { at: this.lastDeliveredAt, ok: true });
      log.info({ notices: batch.length }, 'alert notices delivered');
    } catch (error) {
      this.lastError = (error as Error).message;
      this.pace = afterAttempt(this.pace, { at: this.options.clock(), ok: false });
      log.warn(
        { err: this.lastError, failures: this.pace.failures, queued: this.queue.length },
        'alert delivery failed; trying again later',
      );
    }
  }
}
