import { isAbsolute, resolve } from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { loadSettings } from '../config/load-settings.js';
import type { EngineSettings } from '../core/settings.js';
import { describeStore, openStore } from '../store/index.js';
import type { MessageStore } from '../core/store-types.js';
import { Engine } from '../engine/engine.js';
import { processingIn } from './processing.js';
import { watchConfig } from '../engine/hot-reload.js';
import './plugins.js';
import { startAdminServer, type AdminServer } from '../admin/index.js';
import { createLogger } from '../core/logger.js';
import { AlertMonitor } from '../alerts/index.js';

export interface RunOptions {
  readonly configDir: string;
  /** Overrides settings.dataDir (the --data flag). */
  readonly dataDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export interface RunningEngine {
  readonly engine: Engine;
  readonly settings: EngineSettings;
  readonly store: MessageStore;
  readonly dataDir: string;
  readonly adminUrl: string | undefined;
  /** Problems with channel files found at start (those channels did not start). */
  readonly failures: readonly string[];
  stop(): Promise<void>;
}

/** Wires a whole engine process: settings, store, plugins, channels, admin server, reload, retention. */
export async function runEngine(options: RunOptions): Promise<RunningEngine> {
  const env = options.env ?? process.env;
  const configDir = resolve(options.configDir);
  const { settings } = loadSettings(configDir, env);
  const dataDirRaw = options.dataDir ?? settings.dataDir;
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(dataDirRaw);
  const logger =
    options.logger ??
    createLogger({
      level: settings.logging.level,
      includePatientData: settings.logging.includePatientData,
      format: settings.logging.format,
    });
  const store = await openStore({
    url: settings.store,
    dataDir,
    sqliteWriterThread: settings.sqliteWriterThread,
    engine: true,
  });
  logger.info({ stage: 'store', store: describeStore(settings.store, dataDir) }, 'store open');
  const engine = new Engine({
    configDir,
    dataDir,
    settings,
    store,
    logger,
    env,
    ...processingIn({ configDir, dataDir, settings, store, logger }),
  });
  let admin: AdminServer | undefined;
  let stopWatching: (() => Promise<void>) | undefined;
  let retention: ScheduledTask | undefined;
  let alerts: AlertMonitor | undefined;
  try {
    const { failures } = await engine.start();
    if (settings.alerts.enabled) {
      alerts = await AlertMonitor.start({
        control: engine,
        settings,
        configDir,
        dataDir,
        logger,
        env,
      });
      engine.services.alerts = alerts;
    }
    admin = await startAdminServer({ control: engine, settings, logger, dataDir });
    if (settings.hotReload)
      stopWatching = await watchConfig({ configDir, control: engine, logger });
    retention = cron.schedule(
      settings.retention.schedule,
      async () => {
        const prune = async (): Promise<void> => {
          const now = Date.now();
          const pruned = await store.prune({
            olderThan: now - settings.retention.bodyDays * 86_400_000,
            includeUnresolved: settings.retention.includeUnresolved,
            now,
          });
          logger.info({ stage: 'store', pruned }, 'retention run');
        };
        // Once per cluster: instances sharing a PostgreSQL store take an advisory lock.
        if (store.runExclusive === undefined) await prune();
        else if (!(await store.runExclusive('retention', prune)))
          logger.info({ stage: 'store' }, 'retention running on another instance');
      },
      { timezone: 'Europe/London', noOverlap: true, name: 'ers-bridge:retention' },
    );
    return {
      engine,
      settings,
      store,
      dataDir,
      adminUrl: admin.url,
      failures,
      async stop() {
        await alerts?.stop();
        await retention?.destroy();
        await stopWatching?.();
        await admin?.close();
        await engine.stop();
        await store.close();
      },
    };
  } catch (error) {
    await alerts?.stop();
    await retention?.destroy();
    await stopWatching?.();
    await admin?.close();
    await engine.stop().catch(() => undefined);
    await store.close();
    throw error;
  }
}
