// Admin stage: express admin API and dashboard, users and roles, audit log, metrics and health.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { EngineControl } from '../engine/control.js';
import { listenFailure } from '../core/listen-error.js';
import type { EngineSettings } from '../core/settings.js';
import { createAdminApp, type AdminTuning } from './app.js';

export interface AdminServerOptions {
  readonly control: EngineControl;
  readonly settings: EngineSettings;
  readonly logger: Logger;
  /** Holds `users.json` (users, password hashes, API token hashes). */
  readonly dataDir: string;
  /** Test and embedding knobs (lock-out policy, scrypt cost, config folder, clock). */
  readonly tuning?: AdminTuning;
}

export interface AdminServer {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the admin API and dashboard on settings.http (port 0 picks a free port). */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const admin = await createAdminApp(options);
  const server = createServer(admin.app);
  const { host, port } = options.settings.http;
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: unknown): void => {
      reject(
        listenFailure(error, {
          what: 'the admin server',
          host,
          port,
          setting: 'http.port / http.host in settings.yaml (ERS_BRIDGE_HTTP_PORT, --http-port)',
        }),
      );
    };
    server.once('error', refuse);
    server.listen(port, host, () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  options.logger.info({ stage: 'admin', url }, 'admin server listening');
  return {
    url,
    close: async () => {
      admin.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
}
