/**
 * Admin message browser on a store of one million messages: time to answer page 1 of
 * GET /api/messages with a filter (HTTP, auth, JSON) vs the bare `store.list` call with the
 * same filter, measured in the same run. Target: < 200 ms a request (issue 9).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import { startBenchAdmin } from './support/admin-server.js';
import { createLogger } from '../src/core/logger.js';
import { openStore } from '../src/store/index.js';
import type { MessageFilter, MessageStatus, NewMessage } from '../src/core/store-types.js';

const TOTAL = Number(process.env.ERS_BENCH_ADMIN_MESSAGES ?? 1_000_000);
const BATCH = 5_000;
const CHANNELS = ['pas-inbound', 'mdm-letters', 'csv-drop', 'appointments'];
const ROUNDS = 30;

/** 5 % in the statuses an operator searches for; the rest stay as stored (RECEIVED). */
function statusOf(i: number): MessageStatus {
  const r = i % 100;
  if (r < 95) return 'RECEIVED';
  if (r < 97) return 'ERROR';
  if (r < 98) return 'NEEDS_REVIEW';
  if (r < 99) return 'QUEUED';
  return 'DEAD';
}

function messageAt(i: number): NewMessage {
  return {
    channel: CHANNELS[i % CHANNELS.length] ?? 'pas-inbound',
    sender: 'PAS',
    controlId: `C${i}`,
    contentType: 'application/hl7-v2',
    raw: Buffer.from(`MSH|^~\\&|PAS|RX1|ERS|NHS|20261125||REF^I12|C${i}|P|2.4\rPID|1||X${i}`),
    messageType: i % 3 === 0 ? 'MDM^T02' : 'REF^I12',
    searchKeys: { ubrn: String(100_000_000_000 + i) },
  };
}

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? 0, p95: s[Math.floor(s.length * 0.95)] ?? 0 };
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const benchmark: Benchmark = {
  name: `Admin message browser: page 1 of ${TOTAL.toLocaleString('en-GB')} messages with a filter`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-admin-'));
    const configDir = join(dir, 'config');
    mkdirSync(join(configDir, 'channels'), { recursive: true });
    const logger = createLogger({ level: 'silent' });
    const store = await openStore({ url: 'sqlite', dataDir: dir });
    try {
      const fillStart = performance.now();
      for (let from = 0; from < TOTAL; from += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, TOTAL - from) }, (_, k) =>
          messageAt(from + k),
        );
        const results = await store.appendMany(batch);
        // Moving a million rows one by one would dominate the fill: only the 5 % an operator
        // searches for are moved; the rest stay RECEIVED, which the status filter skips alike.
        for (const [k, r] of results.entries()) {
          const status = statusOf(from + k);
          if (status !== 'RECEIVED')
            await store.transition(r.id, { to: status, stage: 'bench', actor: 'bench' });
        }
      }
      console.log(
        `filled ${TOTAL.toLocaleString('en-GB')} messages in ${((performance.now() - fillStart) / 1000).toFixed(1)} s`,
      );

      const { engine, server, token } = await startBenchAdmin({ dir, configDir, store, logger });
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
        const api = stats(
          await time(async () => {
            const res = await fetch(`${server.url}/api/messages?${c.query}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            if (res.status !== 200) throw new Error(`${c.label}: HTTP ${res.status}`);
            await res.json();
          }),
        );
        const bare = stats(await time(() => store.list(c.filter)));
        console.log(
          `${c.label.padEnd(28)} | ${api.median.toFixed(1).padStart(10)} ${api.p95.toFixed(1).padStart(5)} | ${bare.median.toFixed(1).padStart(17)} ${bare.p95.toFixed(1).padStart(5)} | ${(api.median / Math.max(bare.median, 0.001)).toFixed(2)}x`,
        );
      }
      await server.close();
      await engine.stop();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
