import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Express } from 'express';
import type { AdminServerOptions } from './index.js';
import { storeHealthy } from '../core/metrics.js';
import { DEFAULT_LOCKOUT, LoginGuard, type LockoutPolicy } from './auth/login-guard.js';
import { identify, requireCsrf, requirePermission } from './auth/middleware.js';
import { loginRoutes, logoutRoute } from './auth/login-routes.js';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './auth/sessions.js';
import { UserDirectory, usersFilePath } from './auth/user-file.js';
import { ensureInitialAdmin, INITIAL_PASSWORD_FILE } from './auth/user-admin.js';
import type { AdminContext } from './context.js';
import { errorHandler, requireLogin } from './http-errors.js';
import { apiRoutes } from './api/routes.js';
import { pageRoutes } from './pages/routes.js';
import { metricsRoute } from './api/metrics-route.js';
import { alertsApi } from './api/alerts-routes.js';
import { alertsPage } from './pages/alerts-page.js';

export interface AdminApp {
  readonly app: Express;
  /** Stops timers the app started (session sweeps). */
  dispose(): void;
}

/** Knobs tests turn; production uses the defaults. */
export interface AdminTuning {
  readonly lockout?: LockoutPolicy;
  readonly loginsPerMinute?: number;
  /** log2 of the scrypt N for the first admin's password. */
  readonly scryptCost?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly configDir?: string;
  readonly clock?: () => number;
  /** Where the path of the first admin's password file is announced (stderr by default). */
  readonly announce?: (line: string) => void;
}

/**
 * The engine does not expose its config folder; channel files live in `<config>/channels/`, so
 * the folder above theirs is it. With no channel loaded, the working directory (the default
 * `--config .`).
 */
export function inferConfigDir(channelFiles: readonly string[]): string {
  const first = channelFiles[0];
  return first === undefined ? process.cwd() : dirname(dirname(resolve(first)));
}

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'assets');

async function buildContext(
  options: AdminServerOptions & { tuning?: AdminTuning },
): Promise<AdminContext> {
  const tuning = options.tuning ?? {};
  const env = tuning.env ?? process.env;
  const clock = tuning.clock ?? Date.now;
  const users = new UserDirectory(usersFilePath(options.dataDir, env));
  const passwordFile = join(options.dataDir, INITIAL_PASSWORD_FILE);
  const first = await ensureInitialAdmin({
    directory: users,
    now: clock(),
    env,
    passwordFile,
    ...(tuning.scryptCost === undefined ? {} : { log2Cost: tuning.scryptCost }),
  });
  if (first.created) {
    const generated = first.generatedPassword !== undefined;
    options.logger.warn(
      { stage: 'admin', file: users.file, ...(generated ? { passwordFile } : {}) },
      'no users: created user "admin"',
    );
    if (generated) {
      const say = tuning.announce ?? ((line: string) => process.stderr.write(`${line}\n`));
      say(
        `ers-bridge: created user "admin"; its password is in ${passwordFile} (mode 0600): change it with "ers-bridge users passwd admin", then delete the file`,
      );
    }
  }
  return {
    control: options.control,
    settings: options.settings,
    logger: options.logger,
    users,
    sessions: new SessionStore(DEFAULT_SESSION_LIMITS),
    guard: new LoginGuard(tuning.lockout ?? DEFAULT_LOCKOUT),
    clock,
    configDir: () =>
      tuning.configDir ?? inferConfigDir(options.control.channels().map((c) => c.file)),
  };
}

/** Builds the express app: health, login, then everything else behind authentication. */
export async function createAdminApp(
  options: AdminServerOptions & { tuning?: AdminTuning },
): Promise<AdminApp> {
  const ctx = await buildContext(options);
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
      'content-security-policy':
        "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
      'cache-control': 'no-store',
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/assets', express.static(assetsDir, { index: false }));
  app.use(express.urlencoded({ extended: false, limit: '2mb' }));
  app.use(express.json({ limit: '2mb' }));
  app.use(loginRoutes(ctx, { loginsPerMinute: options.tuning?.loginsPerMinute ?? 30 }));
  app.use(identify(ctx));
  app.use(requireLogin);
  app.use(requireCsrf);
  app.use(logoutRoute(ctx));
  app.get('/readyz', requirePermission('health.view'), async (_req, res) => {
    // Ready only while the store can take durable writes: a failed write or a store file that
    // vanished (data folder deleted) turns it red, as the sources then answer with NAKs.
    const health = await ctx.control.store.health().catch((e: unknown) => ({
      ok: false,
      reason: (e as Error).message,
    }));
    storeHealthy.set(health.ok ? 1 : 0);
    if (health.ok) res.json({ status: 'ready', channels: ctx.control.channels().length });
    else
      res.status(503).json({ status: 'not ready', reason: health.reason ?? 'store unavailable' });
  });
  app.use(metricsRoute(ctx));
  app.use('/api', alertsApi(ctx));
  app.use('/api', apiRoutes(ctx));
  app.use(pageRoutes(ctx));
  app.use(alertsPage(ctx));
  app.use(errorHandler(ctx.logger));
  const sweep = setInterval(() => {
    ctx.sessions.sweep(ctx.clock());
  }, 60_000);
  sweep.unref();
  return {
    app,
    dispose: () => {
      clearInterval(sweep);
    },
  };
}
