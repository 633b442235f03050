/**
 * A source's factory and start contexts for benches: the bare store behind it (durable appends,
 * no channel runtime, no workers), so a bench measures the source and the store only; or no
 * store at all, to measure the source alone.
 */
import { pino } from 'pino';
import { SettingsSchema } from '../../src/core/settings.js';
import type { PluginFactoryContext, SourceContext } from '../../src/core/plugins.js';
import type { SqliteMessageStore } from '../../src/store/sqlite/index.js';

export const BENCH_CHANNEL = 'bench';
let storelessIds = 0;

export function benchSourceContexts(
  store: SqliteMessageStore,
  dir: string,
  options: { storeless?: boolean } = {},
): { factory: PluginFactoryContext; start: SourceContext } {
  const logger = pino({ level: 'silent' });
  const services = { store, settings: SettingsSchema.parse({}), logger, clock: Date.now };
  return {
    factory: { channelId: BENCH_CHANNEL, configDir: dir, dataDir: dir, logger, services },
    start: {
      channelId: BENCH_CHANNEL,
      logger,
      services,
      // Storeless: every message is "stored" at once, so a bench can measure the source alone.
      receive: options.storeless
        ? () => Promise.resolve({ id: ++storelessIds })
        : (m) => store.append({ ...m, channel: BENCH_CHANNEL }),
      receiveMany: (ms) => store.appendMany(ms.map((m) => ({ ...m, channel: BENCH_CHANNEL }))),
      awaitOutcome: () => Promise.resolve(undefined),
      saveReply: () => Promise.resolve(),
    },
  };
}
