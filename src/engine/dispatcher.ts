import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/channel-schema.js';
import type { MessageStore } from '../core/store-types.js';
import type { EngineServices } from '../core/services.js';
import type { OutcomeSink } from './outcomes.js';
import { processMessage, type ChannelPipeline } from './process-message.js';

export interface DispatchDeps {
  readonly store: MessageStore;
  readonly services: EngineServices;
  readonly logger: Logger;
  readonly owner: string;
  readonly outcomes: OutcomeSink;
  readonly clock: () => number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

/** What the dispatcher runs now: swapped whole on hot reload, read at each claim. */
export interface DispatchWork {
  readonly definition: ChannelDefinition;
  readonly pipeline: ChannelPipeline;
  /** The messages a worker claims at once (`batchOf`). */
  readonly batch: number;
}

/**
 * One channel's processing side: keeps up to `workers × batch` messages in hand, claiming a
 * worker's batch (or more) in one claim and processing its messages together, so their
 * transitions meet in the store's group commits (decision 140). Per-key order comes from the
 * store's claim rule (never two of one key, never one behind an unfinished earlier one), so
 * workers need no coordination of their own. It runs beside the sources, or on a processing
 * thread apart from them (decision 170).
 */
export class Dispatcher {
  private readonly inFlightWork = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private loop: Promise<void> | null = null;
  private running = false;
  /** One per start: a Stop that ran out of grace aborted the last one's work, not the next's. */
  private abort = new AbortController();

  constructor(
    private readonly work: () => DispatchWork,
    private readonly deps: DispatchDeps,
    /** A claim or a message failed in a way the operator must see (the channel's lastError). */
    private readonly onError: (message: string) => void,
    /** Last error reported, so a vanished store is logged once, not at every poll. */
    private lastError: () => string | null,
  ) {}

  get inFlight(): number {
    return this.inFlightWork.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.loop = this.dispatch();
  }

  /** Stops claiming, lets in-flight work finish for up to graceMs, then aborts it. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((r) => {
      timer = setTimeout(r, graceMs);
    });
    await Promise.race([Promise.all(this.inFlightWork), grace]);
    clearTimeout(timer);
    if (this.inFlightWork.size > 0) this.abort.abort();
  }

  wake(): void {
    // A wake-up while the dispatcher is busy claiming must not be lost, or new work would wait a
    // whole poll interval.
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async dispatch(): Promise<void> {
    while (this.running) {
      const { definition, batch } = this.work();
      const capacity = definition.workers * batch;
      const free = capacity - this.inFlightWork.size;
      let claimed = 0;
      // A whole batch at a time, not a claim per finished message: claims are store writes too.
      if (free >= batch) {
        try {
          const claimedBatch = await this.deps.store.claim({
            owner: this.deps.owner,
            channels: [definition.id],
            limit: free,
            leaseMs: this.deps.leaseMs,
            now: this.deps.clock(),
          });
          claimed = claimedBatch.length;
          for (const message of claimedBatch) this.track(message);
        } catch (error) {
          // Once per distinct failure, not every poll: a vanished store would repeat it 4×/s.
          const message = (error as Error).message;
          if (message !== this.lastError())
            this.deps.logger.error({ channel: definition.id, err: message }, 'claim failed');
          this.onError(message);
        }
      }
      if (claimed === 0 || capacity - this.inFlightWork.size < batch) await this.sleep();
    }
  }

  private track(message: Parameters<typeof processMessage>[0]): void {
    const { pipeline, definition } = this.work();
    const work = processMessage(message, pipeline, {
      ...this.deps,
      signal: this.abort.signal,
    })
      .catch((error: unknown) => {
        // The store itself failed mid-processing: the lease will expire and the message be retried.
        const text = (error as Error).message;
        this.onError(text);
        this.deps.logger.error(
          { channel: definition.id, messageId: message.id, err: text },
          'processing failed',
        );
      })
      .finally(() => {
        this.inFlightWork.delete(work);
        this.wake();
      });
    this.inFlightWork.add(work);
  }

  private sleep(): Promise<void> {
    if (this.pendingWake) {
      this.pendingWake = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        this.pendingWake = false;
        resolve();
      };
      const timer = setTimeout(done, this.deps.pollIntervalMs);
      this.wakeUp = done;
    });
  }
}
