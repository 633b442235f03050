/**
 * A real engine and admin server over an already filled store, with an admin API token: the
 * set-up the admin and dashboard benchmarks share (cheap password hashing, nothing announced).
 */
import type { Logger } from 'pino';
import { startAdminServer, type AdminServer } from '../../src/admin/index.js';
import { addToken } from '../../src/admin/auth/user-admin.js';
import { UserDirectory, usersFilePath } from '../../src/admin/auth/user-file.js';
import { SettingsSchema } from '../../src/core/settings.js';
import type { MessageStore } from '../../src/core/store-types.js';
import { Engine } from '../../src/engine/engine.js';

export interface BenchAdmin {
  readonly engine: Engine;
  readonly server: AdminServer;
  readonly token: string;
}

export async function startBenchAdmin(options: {
  readonly dir: string;
  readonly configDir: string;
  readonly store: MessageStore;
  readonly logger: Logger;
}): Promise<BenchAdmin> {
  const { dir, configDir, store, logger } = options;
  const settings = SettingsSchema.parse({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    sandbox: { enabled: false },
    hotReload: false,
  });
  const engine = new Engine({ configDir, dataDir: dir, settings, store, logger, env: {} });
  await engine.start();
  const server = await startAdminServer({
    control: engine,
    settings,
    logger,
    dataDir: dir,
    tuning: {
      env: { ERS_BRIDGE_ADMIN_PASSWORD: 'bench password 1' },
      scryptCost: 10,
      announce: () => undefined,
    },
  });
  const token = addToken(
    { directory: new UserDirectory(usersFilePath(dir, {})), now: Date.now() },
    'admin',
    'bench',
  );
  return { engine, server, token };
}
