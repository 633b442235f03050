/**
 * What the admin and dashboard benchmarks share: a store filled in batches behind a real engine
 * and admin server (with an admin token), and the loop that times one request against it.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/core/logger.js';
import type { MessageStatus, MessageStore, NewMessage } from '../../src/core/store-types.js';
import { openStore } from '../../src/store/index.js';
import { startBenchAdmin } from './admin-server.js';

const BATCH = 5_000;
const WARM_UP = 3;

/** The channels a filled store's messages are spread over, in turn. */
export const BENCH_CHANNELS = ['pas-inbound', 'mdm-letters', 'csv-drop', 'appointments'] as const;

/** Message `i` of a filled store: a small REF^I12, control id `C<i>`, on the next channel. */
export function benchMessage(i: number): NewMessage {
  return {
    channel: BENCH_CHANNELS[i % BENCH_CHANNELS.length] ?? 'pas-inbound',
    sender: 'PAS',
    controlId: `C${i}`,
    contentType: 'application/hl7-v2',
    raw: Buffer.from(`MSH|^~\\&|PAS|RX1|ERS|NHS|20261125||REF^I12|C${i}|P|2.4\rPID|1||X${i}`),
    messageType: 'REF^I12',
  };
}

/** Runs `fn` a few times unmeasured, then `rounds` times: the median and 95th percentile, in ms. */
export async function roundStats(
  fn: () => Promise<unknown>,
  rounds: number,
): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(rounds / 2)] ?? 0, p95: ms[Math.floor(rounds * 0.95)] ?? 0 };
}

/** A GET of `url` with the admin token that must answer 200; the body is read as `read`. */
export function authedGet(options: {
  readonly url: string;
  readonly token: string;
  readonly read: 'json' | 'text';
  /** Names the request in the error when it does not answer 200. */
  readonly label: string;
}): () => Promise<void> {
  return async () => {
    const res = await fetch(options.url, {
      headers: { authorization: `Bearer ${options.token}` },
    });
    if (res.status !== 200) throw new Error(`${options.label}: HTTP ${res.status}`);
    await (options.read === 'json' ? res.json() : res.text());
  };
}

export interface FilledAdmin {
  readonly store: MessageStore;
  readonly url: string;
  readonly token: string;
  /** How long the fill took, in ms. */
  readonly fillMs: number;
}

/**
 * Fills a new SQLite store with `total` messages in batches (moving those `statusOf` names on,
 * one transition each), starts an engine and admin server over it, runs `body`, and removes it.
 */
export async function withFilledAdmin(
  options: {
    readonly prefix: string;
    readonly total: number;
    readonly messageAt: (i: number) => NewMessage;
    /** Undefined: the message stays RECEIVED. */
    readonly statusOf: (i: number) => MessageStatus | undefined;
  },
  body: (admin: FilledAdmin) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const configDir = join(dir, 'config');
  mkdirSync(join(configDir, 'channels'), { recursive: true });
  const logger = createLogger({ level: 'silent' });
  const store = await openStore({ url: 'sqlite', dataDir: dir });
  try {
    const fillStart = performance.now();
    for (let from = 0; from < options.total; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, options.total - from) }, (_, k) =>
        options.messageAt(from + k),
      );
      for (const [k, r] of (await store.appendMany(batch)).entries()) {
        const status = options.statusOf(from + k);
        if (status) await store.transition(r.id, { to: status, stage: 'bench', actor: 'bench' });
      }
    }
    const fillMs = performance.now() - fillStart;
    const { engine, server, token } = await startBenchAdmin({ dir, configDir, store, logger });
    await body({ store, url: server.url, token, fillMs });
    await server.close();
    await engine.stop();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
