/**
 * The dashboard's live refresh (issue 19) on a store of many messages: time to answer the
 * fragments a live page polls every 2 s, and the channel cards' store work now (counts, newest,
 * last failure, received/sent/failed per bucket) vs before issue 19 (counts and received per
 * bucket only), measured in the same run. See docs/decisions/155.
 */
import type { Benchmark } from './run.js';
import {
  BENCH_CHANNELS,
  authedGet,
  benchMessage,
  roundStats,
  withFilledAdmin,
} from './support/request-loop.js';
import type { MessageStatus, MessageStore } from '../src/core/store-types.js';
import {
  THROUGHPUT_SAMPLE,
  THROUGHPUT_WINDOW_MS,
  channelOverviews,
} from '../src/admin/service/channel-overview.js';

const TOTAL = Number(process.env.ERS_BENCH_DASHBOARD_MESSAGES ?? 200_000);
const CHANNELS = BENCH_CHANNELS;
const ROUNDS = 20;

/** 10 % moved on: half SENT, the rest failed; the others stay RECEIVED. */
function statusOf(i: number): MessageStatus | undefined {
  const r = i % 100;
  if (r < 5) return 'SENT';
  if (r < 8) return 'ERROR';
  if (r < 9) return 'DEAD';
  if (r < 10) return 'NEEDS_REVIEW';
  return undefined;
}

/** The median of ROUNDS timed rounds, in ms. */
async function time(fn: () => Promise<unknown>): Promise<number> {
  return (await roundStats(fn, ROUNDS)).median;
}

/** What the cards read before issue 19: counts, and arrivals of the last hour per channel. */
async function cardsBefore(store: MessageStore, now: number): Promise<void> {
  await store.countByStatus();
  for (const channel of CHANNELS)
    await store.list({
      channel,
      receivedFrom: now - THROUGHPUT_WINDOW_MS,
      limit: THROUGHPUT_SAMPLE,
    });
}

const benchmark: Benchmark = {
  name: `Dashboard live refresh on ${TOTAL.toLocaleString('en-GB')} messages (4 channels)`,
  async run() {
    const fill = {
      prefix: 'ers-bench-dashboard-',
      total: TOTAL,
      messageAt: benchMessage,
      statusOf,
    };
    await withFilledAdmin(fill, async ({ store, url, token }) => {
      const get = (path: string) =>
        authedGet({ url: `${url}${path}`, token, read: 'text', label: path });
      const infos = CHANNELS.map((id) => ({
        id,
        name: id,
        file: `${id}.yaml`,
        state: 'STARTED' as const,
        source: null,
        versionHash: '0',
        lastError: null,
        inFlight: 0,
      }));
      const now = Date.now();
      const before = await time(() => cardsBefore(store, now));
      const after = await time(() => channelOverviews({ channels: infos, store, now }));
      console.log('what (median of 20, ms)                         |     ms');
      console.log(
        `cards' store work before issue 19              | ${before.toFixed(1).padStart(6)}`,
      );
      console.log(
        `cards' store work now (+ last, failure, rates)  | ${after.toFixed(1).padStart(6)}  (${(after / Math.max(before, 0.001)).toFixed(2)}x before)`,
      );
      for (const path of ['/live/messages', '/live/messages?status=ERROR', '/live/messages/1'])
        console.log(`GET ${path.padEnd(44)} | ${(await time(get(path))).toFixed(1).padStart(6)}`);
    });
  },
};

export default benchmark;
