import type { ChannelDefinition } from '../config/channel-schema.js';
import { buildPipeline } from './build-pipeline.js';
import { batchOf } from './channel-runtime.js';
import { Dispatcher, type DispatchDeps } from './dispatcher.js';
import type { ChannelPipeline } from './process-message.js';
import type { RemoteChannelStatus } from './processing-host.js';

/** A dispatcher's dependencies but the worker settings, which come from the settings. */
export interface ProcessingChannelsOptions extends Omit<
  DispatchDeps,
  'pollIntervalMs' | 'leaseMs'
> {
  readonly configDir: string;
  readonly dataDir: string;
}

interface Processing {
  definition: ChannelDefinition;
  pipeline: ChannelPipeline;
  lastError: string | null;
  readonly dispatcher: Dispatcher;
}

/**
 * The processing side of every channel, without their sources: what a processing thread runs
 * (`workers.processIn: thread`, decision 170). The sources' engine says which definition of each
 * channel to run; the dispatch loop is the same one that runs beside the sources otherwise.
 */
export class ProcessingChannels {
  private readonly channels = new Map<string, Processing>();

  constructor(private readonly options: ProcessingChannelsOptions) {}

  /** Starts processing the channel, or swaps in a reloaded definition (in-flight messages finish
   * with the pipeline they started with, as a hot reload beside the sources does). */
  async run(definition: ChannelDefinition): Promise<void> {
    const pipeline = await buildPipeline(definition, this.options);
    const current = this.channels.get(definition.id);
    if (current !== undefined) {
      const old = current.pipeline;
      current.definition = definition;
      current.pipeline = pipeline;
      current.lastError = null;
      for (const d of old.destinations) await d.destination.close?.();
      current.dispatcher.wake();
      return;
    }
    const { settings } = this.options.services;
    const entry: Processing = {
      definition,
      pipeline,
      lastError: null,
      dispatcher: new Dispatcher(
        () => ({
          definition: entry.definition,
          pipeline: entry.pipeline,
          batch: batchOf(entry.definition, entry.pipeline.destinations),
        }),
        {
          ...this.options,
          pollIntervalMs: settings.workers.pollIntervalMs,
          leaseMs: settings.workers.leaseMs,
        },
        (error) => {
          entry.lastError = error;
        },
        () => entry.lastError,
      ),
    };
    this.channels.set(definition.id, entry);
    entry.dispatcher.start();
  }

  /** Stops claiming for the channel and lets its in-flight work finish for up to graceMs. */
  async halt(channel: string, graceMs: number): Promise<void> {
    const entry = this.channels.get(channel);
    if (entry === undefined) return;
    this.channels.delete(channel);
    await entry.dispatcher.stop(graceMs);
    for (const d of entry.pipeline.destinations) await d.destination.close?.();
  }

  wake(channel: string): void {
    this.channels.get(channel)?.dispatcher.wake();
  }

  status(): Record<string, RemoteChannelStatus> {
    const out: Record<string, RemoteChannelStatus> = {};
    for (const [id, entry] of this.channels)
      out[id] = { inFlight: entry.dispatcher.inFlight, lastError: entry.lastError };
    return out;
  }

  /** Halts every channel, then gives back what this side still holds (aborted work's leases). */
  async stop(graceMs: number): Promise<number> {
    await Promise.all([...this.channels.keys()].map((id) => this.halt(id, graceMs)));
    return this.options.store.releaseLeases(this.options.owner);
  }
}
