/**
 * Admin message browser on a store of one million messages: time to answer page 1 of
 * GET /api/messages with a filter (HTTP, auth, JSON) vs the bare `store.list` call with the
 * same filter, measured in the same run. Target: < 200 ms a request (issue 9).
 */
import type { Benchmark } from './run.js';
import { authedGet, benchMessage, roundStats, withFilledAdmin } from './support/request-loop.js';
import type { MessageFilter, MessageStatus, NewMessage } from '../src/core/store-types.js';

const TOTAL = Number(process.env.ERS_BENCH_ADMIN_MESSAGES ?? 1_000_000);
const ROUNDS = 30;

/**
 * 5 % in the statuses an operator searches for; the rest stay as stored (RECEIVED). Moving a
 * million rows one by one would dominate the fill, and the status filter skips RECEIVED alike.
 */
function statusOf(i: number): MessageStatus | undefined {
  const r = i % 100;
  if (r < 95) return undefined;
  if (r < 97) return 'ERROR';
  if (r < 98) return 'NEEDS_REVIEW';
  if (r < 99) return 'QUEUED';
  return 'DEAD';
}

function messageAt(i: number): NewMessage {
  return {
    ...benchMessage(i),
    messageType: i % 3 === 0 ? 'MDM^T02' : 'REF^I12',
    searchKeys: { ubrn: String(100_000_000_000 + i) },
  };
}

const benchmark: Benchmark = {
  name: `Admin message browser: page 1 of ${TOTAL.toLocaleString('en-GB')} messages with a filter`,
  async run() {
    await withFilledAdmin(
      { prefix: 'ers-bench-admin-', total: TOTAL, messageAt, statusOf },
      async ({ store, url, token, fillMs }) => {
        console.log(
          `filled ${TOTAL.toLocaleString('en-GB')} messages in ${(fillMs / 1000).toFixed(1)} s`,
        );
        const cases: { label: string; query: string; filter: MessageFilter }[] = [
          {
            label: 'channel + status ERROR',
            query: 'channel=csv-drop&status=ERROR',
            filter: { channel: 'csv-drop', status: ['ERROR'], limit: 50 },
          },
          {
            label: 'status NEEDS_REVIEW + type',
            query: 'status=NEEDS_REVIEW&type=REF%5EI12',
            filter: { status: ['NEEDS_REVIEW'], messageType: 'REF^I12', limit: 50 },
          },
          {
            label: 'UBRN',
            query: `ubrn=${100_000_000_000 + TOTAL / 2}`,
            filter: {
              searchKey: { name: 'ubrn', value: String(100_000_000_000 + TOTAL / 2) },
              limit: 50,
            },
          },
          {
            label: 'channel, last hour',
            query: `channel=pas-inbound&from=${Date.now() - 3_600_000}`,
            filter: { channel: 'pas-inbound', receivedFrom: Date.now() - 3_600_000, limit: 50 },
          },
        ];
        console.log(
          'filter                       | API median  p95 (ms) | store.list median  p95 (ms) | ratio',
        );
        for (const c of cases) {
          const api = await roundStats(
            authedGet({
              url: `${url}/api/messages?${c.query}`,
              token,
              read: 'json',
              label: c.label,
            }),
            ROUNDS,
          );
          const bare = await roundStats(() => store.list(c.filter), ROUNDS);
          console.log(
            `${c.label.padEnd(28)} | ${api.median.toFixed(1).padStart(10)} ${api.p95.toFixed(1).padStart(5)} | ${bare.median.toFixed(1).padStart(17)} ${bare.p95.toFixed(1).padStart(5)} | ${(api.median / Math.max(bare.median, 0.001)).toFixed(2)}x`,
          );
        }
      },
    );
  },
};

export default benchmark;
