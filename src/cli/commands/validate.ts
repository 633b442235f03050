import { resolve } from 'node:path';
import type { Command } from 'commander';
import '../../plugins.js';
import { channelFiles, formatFailures, loadChannels } from '../../config/load-channels.js';
import { loadSettings } from '../../config/load-settings.js';
import { isEngineError } from '../../engine/errors.js';
import { buildChannel } from '../../engine/build-pipeline.js';
import { createLogger } from '../../engine/logger.js';
import { SettingsSchema } from '../../config/settings.js';
import { SqliteMessageStore } from '../../store/sqlite/index.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check settings and every channel file (and the mappings they load); exit 1 on any error',
    )
    .option('-c, --config <dir>', 'folder holding settings.yaml, channels/ and mappings/', '.')
    .action(async (flags: { config: string }) => {
      const dir = resolve(flags.config);
      const errors: string[] = [];
      try {
        loadSettings(dir);
      } catch (error) {
        if (!isEngineError(error)) throw error;
        errors.push(error.message);
      }
      const { channels, failures } = loadChannels(dir);
      errors.push(...formatFailures(failures));
      // Building each channel compiles its mappings and templates exactly as start would.
      const store = new SqliteMessageStore({ file: ':memory:' });
      const logger = createLogger({ level: 'silent' });
      const settings = SettingsSchema.parse({});
      for (const def of channels) {
        try {
          await buildChannel(def, {
            configDir: dir,
            dataDir: resolve('data'),
            logger,
            services: { store, settings, logger, clock: Date.now },
          });
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
      await store.close();
      for (const line of errors) process.stdout.write(`${line}\n`);
      const files = channelFiles(dir).length;
      process.stdout.write(
        `${files} channel file(s), ${channels.length} valid, ${errors.length} error(s)\n`,
      );
      process.exitCode = errors.length > 0 ? 1 : 0;
    });
}
