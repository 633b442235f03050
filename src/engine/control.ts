import type { MessageStore, ReprocessRequest, ReprocessResult } from '../core/store-types.js';
import type { Issue } from '../core/errors.js';
import type { SourceStatus } from '../core/plugins.js';
import type { EngineServices } from '../core/services.js';

/** Run state of one channel as operators see it. */
export const ChannelState = {
  STARTED: 'STARTED',
  STOPPED: 'STOPPED',
  FAILED: 'FAILED',
} as const;
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

export interface ChannelInfo {
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly state: ChannelState;
  readonly source: SourceStatus | null;
  /** Content hash of the channel file in force. */
  readonly versionHash: string;
  readonly lastError: string | null;
  readonly inFlight: number;
}

/** A channel file refused at start or on its latest reload (the previous version, if any, runs). */
export interface ConfigProblem {
  readonly file: string;
  /** The channel it belongs to, when one with that file is loaded. */
  readonly channel: string | null;
  readonly at: number;
  /** `file:line: reason`, one each. */
  readonly errors: readonly string[];
}

export interface ReloadOutcome {
  readonly ok: boolean;
  /** One line each, `file:line: reason`, when the reload was refused (old version kept). */
  readonly errors: readonly string[];
  /** The same problems with code and location, when the build reported them (a mapping's). */
  readonly issues?: readonly Issue[];
}

/**
 * What the admin API and CLI may do with a running engine. Implemented by `Engine`; the admin
 * server is given this, never the engine's internals.
 */
export interface EngineControl {
  readonly services: EngineServices;
  readonly store: MessageStore;
  channels(): ChannelInfo[];
  startChannel(id: string, actor: string): Promise<void>;
  stopChannel(id: string, actor: string): Promise<void>;
  /** Re-reads the channel (and its mappings); refuses an invalid one, keeping the old. */
  reloadChannel(id: string, actor: string): Promise<ReloadOutcome>;
  reloadAll(actor: string): Promise<ReloadOutcome>;
  /** Channel files refused and not loaded since (alerts, dashboard); optional for embedders. */
  configProblems?(): readonly ConfigProblem[];
  /** Puts the message back in the queue and wakes the workers; refusals change nothing. */
  reprocess(messageId: number, request: ReprocessRequest): Promise<ReprocessResult>;
}
