import type { ChannelDefinition } from '../config/channel-schema.js';

/** What the sources' side sees of a channel processed elsewhere. */
export interface RemoteChannelStatus {
  readonly inFlight: number;
  readonly lastError: string | null;
}

/**
 * Processing run apart from the sources (settings `workers.processIn: thread`, decision 170).
 * The engine on the sources' side keeps channels, reloads and the admin view; it tells the host
 * which definition of each channel to process and wakes it after each append. Implemented in
 * `main/` (a worker thread); the engine only knows this contract.
 */
export interface ProcessingHost {
  /** Process this channel with this definition (start, or swap in a reloaded version). Rejects
   * when the processing side could not build it (its error becomes the channel's lastError). */
  run(definition: ChannelDefinition): Promise<void>;
  /** Stop processing the channel: no new claims, in-flight work finished for up to graceMs. */
  halt(channel: string, graceMs: number): Promise<void>;
  /** New work for the channel (an append, a reprocess, a retry due): coalesced per turn. */
  wake(channel: string): void;
  /** The latest inFlight / lastError the processing side reported for the channel. */
  status(channel: string): RemoteChannelStatus;
  /** Outcome waits on the sources' side: the processing side reads a finished message back only
   * for the ids being waited for. */
  watch(id: number): void;
  unwatch(id: number): void;
  /** Stops every channel's processing (graceMs each), releases the processing side's leases and
   * ends it. */
  stop(graceMs: number): Promise<void>;
}
