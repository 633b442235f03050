import type { Logger } from 'pino';
import type { EngineSettings } from '../core/settings.js';
import type { MessageStore } from '../core/store-types.js';
import type { EngineOptions } from '../engine/engine.js';
import { attachStoreWriter } from '../store/index.js';
import { startProcessingThread } from './thread-host.js';

/**
 * Where the engine processes messages (`workers.processIn`): beside the sources (nothing to
 * add), or on a processing thread (decision 170) that writes through the engine's SQLite writer
 * thread, or opens its own connection when SQLite writes inline (`sqliteWriterThread: false`),
 * or its own pool (PostgreSQL).
 */
export function processingIn(options: {
  readonly configDir: string;
  readonly dataDir: string;
  readonly settings: EngineSettings;
  readonly store: MessageStore;
  readonly logger: Logger;
}): Pick<EngineOptions, 'startProcessing'> {
  const { settings, store, logger } = options;
  if (settings.workers.processIn === 'main') return {};
  return {
    startProcessing: ({ services, owner, outcomes }) =>
      startProcessingThread({
        configDir: options.configDir,
        dataDir: options.dataDir,
        settings,
        owner,
        outcomes,
        store,
        sandboxUrl: (services as { sandbox?: { url: string } }).sandbox?.url,
        writerPort: () => attachStoreWriter(store),
        // The engine's logger decides; a thread cannot share it, so it writes JSON lines unless
        // the engine's output is a terminal.
        prettyLogs:
          settings.logging.format === 'pretty' ||
          (settings.logging.format === 'auto' && process.stdout.isTTY),
        logger,
      }),
  };
}
