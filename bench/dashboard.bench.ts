/**
 * The dashboard's live refresh (issue 19) on a store of many messages: time to answer the
 * fragments a live page polls every 2 s, and the channel cards' store work now (counts, newest,
 * last failure, received/sent/failed per bucket) vs before issue 19 (counts and received per
 * bucket only), measured in the same run. See docs/decisions/155.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './run.js';
import { startBenchAdmin } from './support/admin-server.js';
import { createLogger } from '../src/core/logger.js';
import { openStore } from '../src/store/index.js';
import type { MessageStatus, MessageStore, NewMessage } from '../src/core/store-types.js';
import {
  THROUGHPUT_SAMPLE,
  THROUGHPUT_WINDOW_MS,
  channelOverviews,
} from '../src/admin/service/channel-overview.js';

const TOTAL = Number(process.env.ERS_BENCH_DASHBOARD_MESSAGES ?? 200_000);
const BATCH = 5_000;
const CHANNELS = ['pas-inbound', 'mdm-letters', 'csv-drop', 'appointments'];
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

function messageAt(i: number): NewMessage {
  return {
    channel: CHANNELS[i % CHANNELS.length] ?? 'pas-inbound',
    sender: 'PAS',
    controlId: `C${i}`,
    contentType: 'application/hl7-v2',
    raw: Buffer.from(`MSH|^~\\&|PAS|RX1|ERS|NHS|20261125||REF^I12|C${i}|P|2.4\rPID|1||X${i}`),
    messageType: 'REF^I12',
  };
}

function median(ms: number[]): number {
  return [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
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
    const dir = mkdtempSync(join(tmpdir(), 'ers-bench-dashboard-'));
    const configDir = join(dir, 'config');
    mkdirSync(join(configDir, 'channels'), { recursive: true });
    const logger = createLogger({ level: 'silent' });
    const store = await openStore({ url: 'sqlite', dataDir: dir });
    try {
      for (let from = 0; from < TOTAL; from += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, TOTAL - from) }, (_, k) =>
          messageAt(from + k),
        );
        for (const [k, r] of (await store.appendMany(batch)).entries()) {
          const status = statusOf(from + k);
          if (status) await store.transition(r.id, { to: status, stage: 'bench', actor: 'bench' });
        }
      }
      const { engine, server, token } = await startBenchAdmin({ dir, configDir, store, logger });
      const get = (path: string) => async () => {
        const res = await fetch(`${server.url}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
        await res.text();
      };
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
      await server.close();
      await engine.stop();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
