import { watch, type FSWatcher } from 'chokidar';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { EngineControl } from './control.js';

/**
 * Watches channels/ and mappings/ and reloads on change (debounced, so an editor's
 * write-rename-write counts once). A change that fails validation is refused by the engine and
 * the previous version stays live.
 */
export async function watchConfig(options: {
  configDir: string;
  control: EngineControl;
  logger: Logger;
  debounceMs?: number;
}): Promise<() => Promise<void>> {
  const { configDir, control, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const watcher: FSWatcher = watch([join(configDir, 'channels'), join(configDir, 'mappings')], {
    ignoreInitial: true,
    ignored: (path) => /(^|[/\\])\.|~$|\.swp$/.test(path),
    awaitWriteFinish: { stabilityThreshold: 150, pollInterval: 50 },
  });
  watcher.on('all', (_event, path) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        logger.info({ stage: 'config', file: path }, 'configuration changed; reloading');
        const outcome = await control.reloadAll('watcher');
        if (!outcome.ok)
          logger.error(
            { stage: 'config', errors: outcome.errors },
            'reload refused; previous version kept',
          );
      });
    }, options.debounceMs ?? 300);
  });
  // Edits made before the first scan ends would be missed: start counts only once it is ready.
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
    await running;
  };
}
