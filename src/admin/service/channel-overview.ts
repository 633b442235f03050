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
    /** Messages that reached SENT, and that failed (ERROR, DEAD, NEEDS_REVIEW), per bucket. */
    readonly sent: readonly number[];
    readonly errors: readonly number[];
    readonly total: number;
    readonly capped: boolean;
  };
  /** Newest message's arrival (null: none stored). */
  readonly lastReceivedAt: number | null;
  /** The newest message that failed, for the card's "last error" line. */
  readonly lastFailure: {
    readonly id: number;
    readonly status: MessageStatus;
    readonly code: string | null;
    readonly at: number;
  } | null;
  /** Per minute over the last RATE_WINDOW_MS. */
  readonly rates: { readonly received: number; readonly sent: number; readonly errors: number };
}

export const RATE_WINDOW_MS = 300_000;
export const FAILED_STATUSES: readonly MessageStatus[] = ['ERROR', 'DEAD', 'NEEDS_REVIEW'];

/** Pure: events per minute among `times` in the window ending at `now`, one decimal. */
export function perMinute(
  times: readonly number[],
  now: number,
  windowMs = RATE_WINDOW_MS,
): number {
  const n = times.filter((t) => t > now - windowMs && t <= now).length;
  return Math.round((n / (windowMs / 60_000)) * 10) / 10;
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

type Activity = Pick<ChannelOverview, 'throughput' | 'lastReceivedAt' | 'lastFailure' | 'rates'>;

/**
 * Arrivals by `receivedAt`; sends and failures by `updatedAt` of the newest SENT and failed
 * messages (the store keeps no per-transition index, so a status reached by an old message
 * beyond the newest THROUGHPUT_SAMPLE is not counted: the charts say "+" when capped).
 */
async function activityOf(store: MessageStore, channel: string, now: number): Promise<Activity> {
  const [recent, sent, failed] = await Promise.all([
    store.list({ channel, receivedFrom: now - THROUGHPUT_WINDOW_MS, limit: THROUGHPUT_SAMPLE }),
    store.list({ channel, status: 'SENT', limit: THROUGHPUT_SAMPLE }),
    store.list({ channel, status: FAILED_STATUSES, limit: THROUGHPUT_SAMPLE }),
  ]);
  const newest = recent[0] ?? (await store.list({ channel, limit: 1 }))[0];
  const window = { now, windowMs: THROUGHPUT_WINDOW_MS, buckets: THROUGHPUT_BUCKETS };
  const arrivals = recent.map((m) => m.receivedAt);
  const sends = sent.map((m) => m.updatedAt);
  const failures = failed.map((m) => m.updatedAt);
  const last = failed[0];
  return {
    throughput: {
      bucketMs: THROUGHPUT_WINDOW_MS / THROUGHPUT_BUCKETS,
      received: bucketize(arrivals, window),
      sent: bucketize(sends, window),
      errors: bucketize(failures, window),
      total: recent.length,
      capped: recent.length >= THROUGHPUT_SAMPLE,
    },
    lastReceivedAt: newest?.receivedAt ?? null,
    lastFailure: last
      ? { id: last.id, status: last.status, code: last.errorCode, at: last.updatedAt }
      : null,
    rates: {
      received: perMinute(arrivals, now),
      sent: perMinute(sends, now),
      errors: perMinute(failures, now),
    },
  };
}

/** What a card shows from the engine's memory: cheap, so always read at the moment of the ask. */
function liveFieldsOf(
  c: ChannelInfo,
): Pick<
  ChannelOverview,
  'id' | 'name' | 'file' | 'state' | 'source' | 'versionHash' | 'inFlight' | 'lastError'
> {
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
        ...liveFieldsOf(c),
        counts: own,
        queueDepth: queueDepthOf(own),
        ...(await activityOf(options.store, c.id, options.now)),
      };
    }),
  );
}

/**
 * Pure: overviews computed a moment ago (the store's part is costly and shared, see
 * overview-cache.ts) with the engine's state as it is now, so a card never shows STARTED after a
 * Stop. A channel loaded since the computation shows no activity until the next one.
 */
export function withLiveState(
  computed: readonly ChannelOverview[],
  channels: readonly ChannelInfo[],
): ChannelOverview[] {
  const byId = new Map(computed.map((o) => [o.id, o]));
  return channels.map((c) => {
    const earlier = byId.get(c.id);
    return earlier
      ? { ...earlier, ...liveFieldsOf(c) }
      : { ...liveFieldsOf(c), counts: {}, queueDepth: 0, ...NO_ACTIVITY };
  });
}

const NO_ACTIVITY: Activity = {
  throughput: {
    bucketMs: THROUGHPUT_WINDOW_MS / THROUGHPUT_BUCKETS,
    received: new Array<number>(THROUGHPUT_BUCKETS).fill(0),
    sent: new Array<number>(THROUGHPUT_BUCKETS).fill(0),
    errors: new Array<number>(THROUGHPUT_BUCKETS).fill(0),
    total: 0,
    capped: false,
  },
  lastReceivedAt: null,
  lastFailure: null,
  rates: { received: 0, sent: 0, errors: 0 },
};
