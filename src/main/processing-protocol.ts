// The messages between the engine and its processing thread (decision 170); plain data only.
import type { MessagePort } from 'node:worker_threads';
import type { ChannelDefinition } from '../config/index.js';
import type { EngineSettings } from '../core/settings.js';
import type { MessageOutcome } from '../core/plugins.js';
import type { RemoteChannelStatus } from '../engine/processing-host.js';
import type { MetricsSnapshot } from '../core/metrics.js';

export interface ProcessingThreadData {
  readonly configDir: string;
  readonly dataDir: string;
  readonly settings: EngineSettings;
  /** The engine's lease owner: the thread claims as the engine it belongs to. */
  readonly owner: string;
  /** The embedded sandbox the engine started, for the thread's e-RS client. */
  readonly sandboxUrl: string | undefined;
  /** SQLite: a port to the engine's writer thread; undefined: the thread opens its own. */
  readonly writerPort: MessagePort | undefined;
  /** The engine logs pretty lines (a terminal): the thread does the same. */
  readonly prettyLogs: boolean;
}

/** Engine → thread. Requests with a `seq` are answered by a `done` with the same seq. */
export type ToThread =
  | { readonly type: 'run'; readonly seq: number; readonly definition: ChannelDefinition }
  | {
      readonly type: 'halt';
      readonly seq: number;
      readonly channel: string;
      readonly graceMs: number;
    }
  | { readonly type: 'stop'; readonly seq: number; readonly graceMs: number }
  | { readonly type: 'metrics'; readonly seq: number }
  | { readonly type: 'wake'; readonly channels: readonly string[] }
  | { readonly type: 'watch'; readonly id: number }
  | { readonly type: 'unwatch'; readonly id: number };

/** Thread → engine. */
export type FromThread =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | {
      readonly type: 'done';
      readonly seq: number;
      readonly error?: string;
      readonly metrics?: MetricsSnapshot;
    }
  | { readonly type: 'outcome'; readonly outcome: MessageOutcome }
  | { readonly type: 'status'; readonly channels: Record<string, RemoteChannelStatus> };
