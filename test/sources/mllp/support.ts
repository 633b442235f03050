/**
 * Starts the MLLP source on port 0 with a SourceContext on a real SQLite store in a temp dir,
 * and a small raw-socket MLLP client for the framing cases packaged clients cannot produce.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SettingsSchema } from '../../../src/core/settings.js';
import type { SourceContext } from '../../../src/core/plugins.js';
import { MllpDecoder, MllpSource, MllpSourceSchema } from '../../../src/sources/mllp/index.js';
import { SqliteMessageStore } from '../../../src/store/sqlite/index.js';
import { compileHl7Path, parseHl7 } from '../../../src/formats/hl7v2/index.js';

export const CHANNEL = 'mllp-test';

export interface RunningSource {
  readonly port: number;
  readonly store: SqliteMessageStore;
  readonly file: string;
  readonly source: MllpSource;
  close(): Promise<void>;
}

export async function startSource(config: Record<string, unknown> = {}): Promise<RunningSource> {
  const dir = mkdtempSync(join(tmpdir(), 'ers-mllp-'));
  const file = join(dir, 'store.db');
  const store = new SqliteMessageStore({ file });
  const logger = pino({ level: 'silent' });
  const services = { store, settings: SettingsSchema.parse({}), logger, clock: Date.now };
  const context: SourceContext = {
    channelId: CHANNEL,
    logger,
    services,
    receive: (m) => store.append({ ...m, channel: CHANNEL }),
    receiveMany: (ms) => store.appendMany(ms.map((m) => ({ ...m, channel: CHANNEL }))),
    awaitOutcome: () => Promise.resolve(undefined),
    saveReply: async (id, reply) => {
      const m = await store.get(id);
      if (m)
        await store.transition(id, {
          to: m.status,
          stage: 'reply',
          actor: 'test',
          patch: { reply },
          keepLease: true,
        });
    },
  };
  const parsed = MllpSourceSchema.parse({ host: '127.0.0.1', port: 0, ...config });
  const source = new MllpSource(parsed, {
    channelId: CHANNEL,
    configDir: dir,
    dataDir: dir,
    logger,
    services,
  });
  try {
    await source.start(context);
  } catch (error) {
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = Number(/:(\d+)$/.exec(source.status().endpoint)?.[1]);
  return {
    port,
    store,
    file,
    source,
    async close() {
      await source.stop();
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Exchange {
  readonly replies: string[];
  readonly closedByServer: boolean;
}

/**
 * Writes each chunk (pausing `gapMs` between them so they arrive as separate reads) and collects
 * `expect` answers; resolves early when the server closes, rejects after `timeoutMs`.
 */
export function exchange(
  port: number,
  chunks: readonly Buffer[],
  options: { expect: number; gapMs?: number; timeoutMs?: number },
): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const decoder = new MllpDecoder(64 * 1024 * 1024);
    const replies: string[] = [];
    let ended = false;
    const finish = (closedByServer: boolean) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ replies, closedByServer });
    };
    const timer = setTimeout(() => {
      ended = true;
      socket.destroy();
      reject(new Error(`got ${replies.length} of ${options.expect} answers`));
    }, options.timeoutMs ?? 10_000);
    socket.on('data', (d: Buffer) => {
      for (const e of decoder.push(d))
        if (e.kind === 'frame') replies.push(e.payload.toString('utf8'));
      if (replies.length >= options.expect) finish(false);
    });
    socket.on('close', () => {
      finish(true);
    });
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      void (async () => {
        for (const c of chunks) {
          socket.write(c);
          if ((options.gapMs ?? 0) > 0) await new Promise((r) => setTimeout(r, options.gapMs));
        }
      })();
    });
  });
}

/** A decoded value of an ACK. */
export const ackValue = (ack: string, path: string): string | undefined =>
  compileHl7Path(path).first(parseHl7(ack));

/** A small valid message with a given control id. */
export function adt(controlId: string, extra = ''): string {
  return `MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261125||ADT^A08^ADT_A01|${controlId}|P|2.4\rPID|1||9912003888^^^NHS^NH||Smith^Jane${extra}\r`;
}
