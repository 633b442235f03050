import { resolve } from 'node:path';
import type { Command } from 'commander';
import '../../main/plugins.js';
import { channelFiles, formatFailures, loadChannels } from '../../config/load-channels.js';
import { loadSettings } from '../../config/load-settings.js';
import { isEngineError } from '../../core/errors.js';
import { buildChannel } from '../../engine/build-pipeline.js';
import { createLogger } from '../../core/logger.js';
import { SettingsSchema, type EngineSettings } from '../../core/settings.js';
import { createErsClient } from '../../ers/provider.js';
import type { EngineServices } from '../../core/services.js';
import { SqliteMessageStore } from '../../store/sqlite/index.js';
import { configFolder } from '../options.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check settings and every channel file (and the mappings they load); exit 1 on any error',
    )
    .option('-c, --config <dir>', 'folder holding settings.yaml, channels/ and mappings/', '.')
    .action(async (flags: { config: string }) => {
      const dir = configFolder(flags.config);
      const errors: string[] = [];
      let settings: EngineSettings = SettingsSchema.parse({});
      try {
        settings = loadSettings(dir).settings;
      } catch (error) {
        if (!isEngineError(error)) throw error;
        errors.push(error.message);
      }
      const { channels, failures } = loadChannels(dir);
      errors.push(...formatFailures(failures));
      // Building each channel compiles its mappings and templates exactly as start would, with
      // the e-RS client start would give it (pointed at where the sandbox would listen; nothing
      // is started or called).
      const store = new SqliteMessageStore({ file: ':memory:' });
      const logger = createLogger({ level: 'silent' });
      const services: EngineServices = {
        store,
        settings,
        logger,
        clock: Date.now,
        ...(settings.sandbox.enabled
          ? { sandbox: { url: `http://${settings.sandbox.host}:${settings.sandbox.port}` } }
          : {}),
      };
      const ers = createErsClient(services);
      const withErs: EngineServices = typeof ers === 'string' ? services : { ...services, ers };
      let built = 0;
      for (const def of channels) {
        try {
          await buildChannel(def, {
            configDir: dir,
            dataDir: resolve(settings.dataDir),
            logger,
            services: withErs,
          });
          built++;
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
      if (typeof ers !== 'string') await ers.close();
      await store.close();
      for (const line of errors) process.stdout.write(`${line}\n`);
      const files = channelFiles(dir).length;
      process.stdout.write(`${files} channel file(s), ${built} valid, ${errors.length} error(s)\n`);
      process.exitCode = errors.length > 0 ? 1 : 0;
    });
}
