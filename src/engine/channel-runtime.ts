import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/channel-schema.js';
import type { AppendResult, MessageStore, NewMessage } from '../core/store-types.js';
import type { BuiltChannel } from './build-pipeline.js';
import type { ChannelInfo, ChannelState } from './control.js';
import type { OutcomeWaiters } from './outcomes.js';
import type { SourceContext } from '../core/plugins.js';
import { processMessage } from './process-message.js';
import { controlIdReused, storeWriteFailures } from '../core/metrics.js';
import type { EngineServices } from '../core/services.js';

export interface RuntimeDeps {
  readonly store: MessageStore;
  readonly services: EngineServices;
  readonly logger: Logger;
  readonly owner: string;
  readonly outcomes: OutcomeWaiters;
  readonly clock: () => number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

/**
 * One running channel: its source feeding the store, and a dispatcher that keeps up to
 * `workers × batch` messages in hand, claiming a worker's batch (or more) in one claim and
 * processing its messages together, so their transitions meet in the store's group commits
 * (decision 140). Per-key order comes from the store's claim rule (never two of one key, never
 * one behind an unfinished earlier one), so workers need no coordination of their own.
 */
export class ChannelRuntime {
  private state: ChannelState = 'STOPPED';
  private lastError: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private loop: Promise<void> | null = null;
  private running = false;
  private readonly abort = new AbortController();

  constructor(
    public definition: ChannelDefinition,
    private built: BuiltChannel,
    private readonly deps: RuntimeDeps,
  ) {}

  async start(): Promise<void> {
    if (this.state === 'STARTED') return;
    try {
      await this.built.source.start(this.sourceContext());
    } catch (error) {
      this.state = 'FAILED';
      this.lastError = (error as Error).message;
      throw error;
    }
    this.state = 'STARTED';
    this.lastError = null;
    this.running = true;
    this.loop = this.dispatch();
  }

  /** Stops the source, lets in-flight work finish for up to graceMs, then aborts it. */
  async stop(graceMs: number): Promise<void> {
    if (this.state !== 'STARTED') return;
    this.state = 'STOPPED';
    await this.built.source.stop().catch((e: unknown) => {
      this.deps.logger.warn(
        { channel: this.definition.id, err: (e as Error).message },
        'source stop failed',
      );
    });
    this.running = false;
    this.wake();
    await this.loop;
    const grace = new Promise((r) => setTimeout(r, graceMs).unref());
    await Promise.race([Promise.all(this.inFlight), grace]);
    if (this.inFlight.size > 0) this.abort.abort();
  }

  /**
   * Swaps in a rebuilt channel (hot reload). When only the transformer or destinations changed,
   * the running source is kept, so PAS connections are not dropped for a mapping edit; otherwise
   * the new source starts after the old one stops (same port).
   */
  async replace(
    definition: ChannelDefinition,
    built: BuiltChannel,
    graceMs: number,
  ): Promise<void> {
    const sameSource = JSON.stringify(definition.source) === JSON.stringify(this.definition.source);
    const old = this.built;
    if (sameSource && this.state === 'STARTED' && definition.enabled) {
      this.definition = definition;
      this.built = { source: old.source, pipeline: built.pipeline };
    } else {
      const wasStarted = this.state === 'STARTED';
      if (wasStarted) await this.stop(graceMs);
      this.definition = definition;
      this.built = built;
      if (definition.enabled) await this.start();
    }
    for (const d of old.pipeline.destinations) await d.destination.close?.();
  }

  /** A reload of this channel was refused: the old version runs, and operators must see why. */
  noteRefusedReload(errors: readonly string[]): void {
    this.lastError = `reload refused, previous version kept: ${errors.join('; ')}`;
  }

  /** The channel file loaded again: a refusal recorded before no longer stands. */
  clearRefusedReload(): void {
    if (this.lastError?.startsWith('reload refused') === true) this.lastError = null;
  }

  async close(): Promise<void> {
    for (const d of this.built.pipeline.destinations) await d.destination.close?.();
  }

  info(): ChannelInfo {
    return {
      id: this.definition.id,
      name: this.definition.name,
      file: this.definition.file,
      state: this.state,
      source: this.state === 'STARTED' ? this.built.source.status() : null,
      versionHash: this.definition.hash,
      lastError: this.lastError,
      inFlight: this.inFlight.size,
    };
  }

  wake(): void {
    // A wake-up while the dispatcher is busy claiming must not be lost, or new work would wait a
    // whole poll interval.
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private sourceContext(): SourceContext {
    const channel = this.definition.id;
    const withChannel = (m: Omit<NewMessage, 'channel'>): NewMessage => ({
      onControlIdReuse: this.definition.controlIdReuse,
      ...m,
      channel,
    });
    const logger = this.deps.logger.child({ channel });
    const woke = <T extends AppendResult | AppendResult[]>(p: Promise<T>): Promise<T> =>
      p.then(
        (r) => {
          const all = ([] as AppendResult[]).concat(r);
          for (const one of all) reportReuse(logger, channel, one);
          this.wake();
          return r;
        },
        (error: unknown) => {
          // The source answers with a NAK (or an HTTP error): never an ACK for what is not stored.
          storeWriteFailures.inc({ channel });
          logger.error(
            { stage: 'store', err: (error as Error).message },
            'message not stored; the sender is answered with a negative acknowledgement',
          );
          throw error;
        },
      );
    return {
      channelId: channel,
      logger,
      services: this.deps.services,
      receive: (m): Promise<AppendResult> => woke(this.deps.store.append(withChannel(m))),
      receiveMany: (ms): Promise<AppendResult[]> =>
        woke(this.deps.store.appendMany(ms.map(withChannel))),
      awaitOutcome: (id, timeoutMs, options) => this.deps.outcomes.wait(id, timeoutMs, options),
      saveReply: async (id, reply) => {
        // The message may be in a worker's hands (an interim ACK): write only while the lease we
        // read is still held, so a status the worker wrote meanwhile is never set back.
        for (let attempt = 0; attempt < 5; attempt++) {
          const m = await this.deps.store.get(id);
          if (!m) return;
          const written = await this.deps.store.transition(id, {
            to: m.status,
            stage: 'reply',
            actor: `source:${channel}`,
            patch: { reply },
            keepLease: true,
            ...(m.leaseOwner === null ? {} : { leaseOwner: m.leaseOwner }),
          });
          if (written) return;
        }
      },
    };
  }

  private async dispatch(): Promise<void> {
    while (this.running) {
      const { workers } = this.definition;
      const batch = batchOf(this.definition, this.built.pipeline.destinations);
      const capacity = workers * batch;
      const free = capacity - this.inFlight.size;
      let claimed = 0;
      // A whole batch at a time, not a claim per finished message: claims are store writes too.
      if (free >= batch) {
        try {
          const claimedBatch = await this.deps.store.claim({
            owner: this.deps.owner,
            channels: [this.definition.id],
            limit: free,
            leaseMs: this.deps.leaseMs,
            now: this.deps.clock(),
          });
          claimed = claimedBatch.length;
          for (const message of claimedBatch) this.track(message);
        } catch (error) {
          // Once per distinct failure, not every poll: a vanished store would repeat it 4×/s.
          const message = (error as Error).message;
          if (message !== this.lastError)
            this.deps.logger.error({ channel: this.definition.id, err: message }, 'claim failed');
          this.lastError = message;
        }
      }
      if (claimed === 0 || capacity - this.inFlight.size < batch) await this.sleep();
    }
  }

  private track(message: Parameters<typeof processMessage>[0]): void {
    const work = processMessage(message, this.built.pipeline, {
      ...this.deps,
      signal: this.abort.signal,
    })
      .catch((error: unknown) => {
        // The store itself failed mid-processing: the lease will expire and the message be retried.
        this.lastError = (error as Error).message;
        this.deps.logger.error(
          { channel: this.definition.id, messageId: message.id, err: this.lastError },
          'processing failed',
        );
      })
      .finally(() => {
        this.inFlight.delete(work);
        this.wake();
      });
    this.inFlight.add(work);
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

/** A worker's batch when the channel file sets none and every destination is a local write. */
export const DEFAULT_BATCH = 16;

/**
 * A worker's batch when the channel file sets none and a destination is a network call (e-RS):
 * with the default 4 workers, 8 calls under way. Decision 180: it hides the call's and the three
 * commits' latency (×1.5–1.7 processing for ×0.74–0.89 ingest here, where 4 cost ingest ×0.44–0.66),
 * and reaches e-RS's 10 calls/s quota while a message takes up to 0.8 s, not 0.4 s.
 */
export const DEFAULT_NETWORK_BATCH = 2;

/**
 * Pure: the messages a worker claims at once. Batches pay where the work is waiting on durable
 * commits and fsyncs (local writes, safe to repeat: 16); e-RS and other network calls are also CPU
 * on the event loop the sources share, where a large batch took the ACK rate down by two thirds
 * (decision 140), so they get a small one (2, decision 180). One worker without a batch stays one
 * message at a time.
 */
export function batchOf(
  channel: { readonly workers: number; readonly batch: number | undefined },
  destinations: readonly { readonly destination: { readonly safeToRepeat?: boolean } }[],
): number {
  if (channel.batch !== undefined) return channel.batch;
  if (channel.workers <= 1) return 1;
  const local = destinations.every((d) => d.destination.safeToRepeat === true);
  return local ? DEFAULT_BATCH : DEFAULT_NETWORK_BATCH;
}

/** A reused control id is a warning operators must see: a log line (no patient data) and a metric. */
function reportReuse(logger: Logger, channel: string, result: AppendResult): void {
  const reuse = result.controlIdReused;
  if (reuse === undefined) return;
  controlIdReused.inc({ channel, action: reuse.refused ? 'refused' : 'processed' });
  logger.warn(
    { stage: 'source', code: 'CONTROL_ID_REUSED', messageId: result.id, firstId: reuse.firstId },
    reuse.refused
      ? 'control id reused with different content: refused by the channel (controlIdReuse: refuse)'
      : 'control id reused with different content: stored and processed as a new message',
  );
}
