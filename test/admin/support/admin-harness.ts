/**
 * A real engine (real SQLite store, real channels from YAML) with the admin server in front of
 * it, on port 0 in a temp folder, plus users of every role and a small HTTP client that keeps
 * a session cookie the way a browser does.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/main/plugins.js';
import { SettingsSchema } from '../../../src/core/settings.js';
import { Engine } from '../../../src/engine/engine.js';
import { createLogger } from '../../../src/core/logger.js';
import { openStore } from '../../../src/store/index.js';
import type { MessageStore } from '../../../src/core/store-types.js';
import { startAdminServer, type AdminServer } from '../../../src/admin/index.js';
import { UserDirectory, usersFilePath } from '../../../src/admin/auth/user-file.js';
import { addToken, addUser } from '../../../src/admin/auth/user-admin.js';
import type { Role } from '../../../src/admin/auth/roles.js';
import type { LockoutPolicy } from '../../../src/admin/auth/login-guard.js';

export const PASSWORD = 'correct horse battery';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const CHEAP_SCRYPT = 10;

export interface AdminHarness {
  readonly dir: string;
  readonly configDir: string;
  readonly dataDir: string;
  readonly url: string;
  readonly store: MessageStore;
  readonly engine: Engine;
  readonly tokens: Record<Role, string>;
  readonly announced: string[];
  writeFile(relativePath: string, text: string): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Channel files by name, written before the engine starts. */
  readonly channels?: Record<string, string>;
  readonly files?: Record<string, string>;
  /** Runs on the config folder before the engine starts (e.g. copy the shipped mappings). */
  readonly prepare?: (configDir: string) => void;
  readonly lockout?: LockoutPolicy;
  readonly loginsPerMinute?: number;
}

export async function startAdminHarness(options: HarnessOptions = {}): Promise<AdminHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'ers-admin-'));
  const configDir = join(dir, 'config');
  const dataDir = join(dir, 'data');
  mkdirSync(join(configDir, 'channels'), { recursive: true });
  mkdirSync(join(configDir, 'mappings'), { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const writeFile = (path: string, text: string): void => {
    writeFileSync(join(configDir, path), text);
  };
  for (const [name, yaml] of Object.entries(options.channels ?? {}))
    writeFile(join('channels', name), yaml);
  for (const [name, text] of Object.entries(options.files ?? {})) writeFile(name, text);
  options.prepare?.(configDir);
  const settings = SettingsSchema.parse({
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    sandbox: { enabled: false },
    workers: { pollIntervalMs: 50 },
    hotReload: false,
    logging: { level: 'silent' },
  });
  const logger = createLogger({ level: 'silent' });
  const store = await openStore({ url: 'sqlite', dataDir });
  const engine = new Engine({ configDir, dataDir, settings, store, logger, env: {} });
  await engine.start();
  const announced: string[] = [];
  const env = { ERS_BRIDGE_ADMIN_PASSWORD: PASSWORD };
  const server: AdminServer = await startAdminServer({
    control: engine,
    settings,
    logger,
    dataDir,
    tuning: {
      env,
      configDir,
      scryptCost: CHEAP_SCRYPT,
      announce: (line) => announced.push(line),
      ...(options.lockout ? { lockout: options.lockout } : {}),
      loginsPerMinute: options.loginsPerMinute ?? 10_000,
    },
  });
  const directory = new UserDirectory(usersFilePath(dataDir, env));
  const admin = { directory, now: Date.now(), log2Cost: CHEAP_SCRYPT };
  await addUser(admin, { name: 'viewer', role: 'viewer', password: PASSWORD });
  await addUser(admin, { name: 'operator', role: 'operator', password: PASSWORD });
  const tokens = {
    viewer: addToken(admin, 'viewer', 'test'),
    operator: addToken(admin, 'operator', 'test'),
    admin: addToken(admin, 'admin', 'test'),
  };
  return {
    dir,
    configDir,
    dataDir,
    url: server.url,
    store,
    engine,
    tokens,
    announced,
    writeFile,
    async close() {
      await server.close();
      await engine.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
