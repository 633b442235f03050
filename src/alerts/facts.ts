import type { MessageStatus } from '../core/store-types.js';

/** What one check knows about one channel (gathered by gather.ts, judged by rules.ts). */
export interface ChannelFacts {
  readonly id: string;
  /** `mllp`, `file`, `http`, `cron`; null when the channel is not running. */
  readonly sourceType: string | null;
  readonly state: string;
  /** Why the channel failed to start (state FAILED), or its latest processing problem. */
  readonly lastError: string | null;
  readonly counts: Partial<Record<MessageStatus, number>>;
  /** ERROR and DEAD messages received within the errors rule's window. */
  readonly recentErrors: number;
  /** Waiting messages received before the queue-age rule's limit (capped at 1000). */
  readonly waitingTooLong: number;
  readonly lastReceivedAt: number | null;
}

export interface FolderFacts {
  readonly channel: string;
  /** Files in the drop folder or processing/ longer than the stuck limit, with their age. */
  readonly stuck: readonly { readonly name: string; readonly ageMs: number }[];
  /** Files moved to error/ within the rejected window. */
  readonly rejected: readonly { readonly name: string; readonly at: number }[];
}

export interface ExpiryFact {
  /** A certificate path, or `ers.auth.accessToken`. */
  readonly subject: string;
  readonly kind: 'certificate' | 'token';
  readonly expiresAt: number;
}

export interface ConfigProblemFact {
  readonly file: string;
  readonly channel: string | null;
  readonly errors: readonly string[];
}

export interface Snapshot {
  readonly now: number;
  readonly channels: readonly ChannelFacts[];
  readonly configProblems: readonly ConfigProblemFact[];
  readonly folders: readonly FolderFacts[];
  /** e-RS calls in a row (newest backwards) answered 401, 403 or 429, with those statuses. */
  readonly ersAuth: { readonly streak: number; readonly statuses: readonly number[] };
  readonly expiries: readonly ExpiryFact[];
}
