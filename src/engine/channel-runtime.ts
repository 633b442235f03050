import type { Logger } from 'pino';
import type { ChannelDefinition } from '../config/channel-schema.js';
import type { AppendResult, NewMessage } from '../core/store-types.js';
import type { BuiltChannel } from './build-pipeline.js';
import type { ChannelInfo, ChannelState } from './control.js';
import type { OutcomeWaiters } from './outcomes.js';
import type { SourceContext } from '../core/plugins.js';
import { Dispatcher, type DispatchDeps } from './dispatcher.js';
import type { ProcessingHost } from './processing-host.js';
import { controlIdReused, storeWriteFailures } from '../core/metrics.js';

export interface RuntimeDeps extends DispatchDeps {
  readonly outcomes: OutcomeWaiters;
  /** Set when processing runs apart from the sources (`workers.processIn: thread`): this
   * runtime then runs only the source and tells the host what to process. */
  readonly processing?: ProcessingHost | undefined;
}

/**
 * One running channel: its source feeding the store, and its processing side — a `Dispatcher`
 * here, or the processing thread told through a `ProcessingHost` (decision 170).
 */
export class ChannelRuntime {
  private state: ChannelState = 'STOPPED';
  private lastError: string | null = null;
  private readonly dispatcher: Dispatcher | undefined;
  /** The start, stop or replace under way; the next waits for it. */
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(
    public definition: ChannelDefinition,
    private built: BuiltChannel,
    private readonly deps: RuntimeDeps,
  ) {
    this.dispatcher =
      deps.processing === undefined
        ? new Dispatcher(
            () => ({
              definition: this.definition,
              pipeline: this.built.pipeline,
              batch: batchOf(this.definition, this.built.pipeline.destinations),
            }),
            deps,
            (error) => {
              this.lastError = error;
            },
            () => this.lastError,
          )
        : undefined;
  }

  /**
   * Start, stop and replace run one at a time. A Start that came while a Stop waited out its
   * grace used to start the source and find the dispatcher still running, and the Stop then
   * halted it: the channel showed STARTED, took messages and never processed them.
   */
  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.then(step, step);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  start(): Promise<void> {
    return this.serially(() => this.startNow());
  }

  private async startNow(): Promise<void> {
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
    await this.startProcessing();
  }

  private async startProcessing(): Promise<void> {
    if (this.deps.processing === undefined) {
      this.dispatcher?.start();
      return;
    }
    // Stored messages wait in the store while the processing side cannot take the channel: the
    // source keeps acknowledging, and the operator sees why nothing is processed.
    await this.deps.processing.run(this.definition).catch((error: unknown) => {
      this.lastError = `processing thread: ${(error as Error).message}`;
      this.deps.logger.error(
        { channel: this.definition.id, err: (error as Error).message },
        'processing thread refused the channel',
      );
    });
  }

  /** Stops the source, lets in-flight work finish for up to graceMs, then aborts it. */
  stop(graceMs: number): Promise<void> {
    return this.serially(() => this.stopNow(graceMs));
  }

  private async stopNow(graceMs: number): Promise<void> {
    if (this.state !== 'STARTED') return;
    this.state = 'STOPPED';
    await this.built.source.stop().catch((e: unknown) => {
      this.deps.logger.warn(
        { channel: this.definition.id, err: (e as Error).message },
        'source stop failed',
      );
    });
    if (this.deps.processing === undefined) await this.dispatcher?.stop(graceMs);
    else await this.deps.processing.halt(this.definition.id, graceMs);
  }

  /**
   * Swaps in a rebuilt channel (hot reload). When only the transformer or destinations changed,
   * the running source is kept, so PAS connections are not dropped for a mapping edit; otherwise
   * the new source starts after the old one stops (same port).
   */
  replace(definition: ChannelDefinition, built: BuiltChannel, graceMs: number): Promise<void> {
    return this.serially(() => this.replaceNow(definition, built, graceMs));
  }

  private async replaceNow(
    definition: ChannelDefinition,
    built: BuiltChannel,
    graceMs: number,
  ): Promise<void> {
    const sameSource = JSON.stringify(definition.source) === JSON.stringify(this.definition.source);
    const old = this.built;
    if (sameSource && this.state === 'STARTED' && definition.enabled) {
      this.definition = definition;
      this.built = { source: old.source, pipeline: built.pipeline };
      if (this.deps.processing !== undefined) await this.startProcessing();
    } else {
      const wasStarted = this.state === 'STARTED';
      if (wasStarted) await this.stopNow(graceMs);
      this.definition = definition;
      this.built = built;
      if (definition.enabled) await this.startNow();
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
    const remote = this.deps.processing?.status(this.definition.id);
    return {
      id: this.definition.id,
      name: this.definition.name,
      file: this.definition.file,
      state: this.state,
      source: this.state === 'STARTED' ? this.built.source.status() : null,
      versionHash: this.definition.hash,
      lastError: this.lastError ?? remote?.lastError ?? null,
      inFlight: remote?.inFlight ?? this.dispatcher?.inFlight ?? 0,
    };
  }

  wake(): void {
    if (this.deps.processing === undefined) this.dispatcher?.wake();
    else this.deps.processing.wake(this.definition.id);
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
 * (decision 140), so they get a small one (2, decision 180). A local destination may ask for more
 * (batch files: 64, decision 195). One worker without a batch stays one message at a time.
 */
export function batchOf(
  channel: { readonly workers: number; readonly batch: number | undefined },
  destinations: readonly {
    readonly destination: { readonly safeToRepeat?: boolean; readonly batch?: number };
  }[],
): number {
  if (channel.batch !== undefined) return channel.batch;
  if (channel.workers <= 1) return 1;
  const local = destinations.every((d) => d.destination.safeToRepeat === true);
  if (!local) return DEFAULT_NETWORK_BATCH;
  // A destination whose writes cost little per message (batch files) asks for more in flight.
  return Math.max(DEFAULT_BATCH, ...destinations.map((d) => d.destination.batch ?? 0));
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
