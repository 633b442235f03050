import type { ChannelInfo, ChannelState } from '../../engine/control.js';
import {
  CLAIMABLE_STATUSES,
  type MessageStatus,
  type MessageStore,
} from '../../core/store-types.js';

export const THROUGHPUT_WINDOW_MS = 3_600_000;
export const THROUGHPUT_BUCKETS = 12;
/** The store lists at most 1000 rows a call; past that the chart says "1000+". */
export const THROUGHPUT_SAMPLE = 1000;

export interface ChannelOverview {
  readonly id: string;
  readonly name: string;
  readonly file: string;
  readonly state: ChannelState;
  readonly source: { type: string; endpoint: string; listening: boolean } | null;
  readonly versionHash: string;
  readonly inFlight: number;
  readonly lastError: string | null;
  readonly counts: Partial<Record<MessageStatus, number>>;
  /** Messages waiting for a worker: RECEIVED, TRANSFORMED and QUEUED. */
  readonly queueDepth: number;
  readonly throughput: {
    readonly bucketMs: number;
    /** Oldest first, one count per bucket of the last hour. */
    readonly received: readonly number[];
    readonly total: number;
    readonly capped: boolean;
  };
}

export function queueDepthOf(counts: Partial<Record<MessageStatus, number>>): number {
  return CLAIMABLE_STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** Counts arrival times into equal buckets ending at `now` (pure, for the chart). */
export function bucketize(
  times: readonly number[],
  options: { now: number; windowMs: number; buckets: number },
): number[] {
  const size = options.windowMs / options.buckets;
  const start = options.now - options.windowMs;
  const out = new Array<number>(options.buckets).fill(0);
  for (const t of times) {
    if (t < start || t > options.now) continue;
    const i = Math.min(options.buckets - 1, Math.floor((t - start) / size));
    out[i] = (out[i] ?? 0) + 1;
  }
  return out;
}

async function throughputOf(
  store: MessageStore,
  channel: string,
  now: number,
): Promise<ChannelOverview['throughput']> {
  const recent = await store.list({
    channel,
    receivedFrom: now - THROUGHPUT_WINDOW_MS,
    limit: THROUGHPUT_SAMPLE,
  });
  const received = bucketize(
    recent.map((m) => m.receivedAt),
    { now, windowMs: THROUGHPUT_WINDOW_MS, buckets: THROUGHPUT_BUCKETS },
  );
  return {
    bucketMs: THROUGHPUT_WINDOW_MS / THROUGHPUT_BUCKETS,
    received,
    total: recent.length,
    capped: recent.length >= THROUGHPUT_SAMPLE,
  };
}

export async function channelOverviews(options: {
  channels: readonly ChannelInfo[];
  store: MessageStore;
  now: number;
}): Promise<ChannelOverview[]> {
  const counts = await options.store.countByStatus();
  return Promise.all(
    options.channels.map(async (c) => {
      const own = counts[c.id] ?? {};
      return {
        id: c.id,
        name: c.name,
        file: c.file,
        state: c.state,
        source: c.source
          ? { type: c.source.type, endpoint: c.source.endpoint, listening: c.source.listening }
          : null,
        versionHash: c.versionHash,
        inFlight: c.inFlight,
        lastError: c.lastError,
        counts: own,
        queueDepth: queueDepthOf(own),
        throughput: await throughputOf(options.store, c.id, options.now),
      };
    }),
  );
}
