// sandbox: a local simulator of the e-RS FHIR STU3 API (both path flavours), for tests and trials.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp, type SandboxApp } from './app.js';
import type { Seed } from './seed.js';

export interface RunningSandbox extends SandboxApp {
  readonly url: string;
  close(): Promise<void>;
}

export async function startSandbox(
  options: { host?: string; port?: number; seed?: Seed } = {},
): Promise<RunningSandbox> {
  const sandbox = createSandboxApp(options.seed ? { seed: options.seed } : {});
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = sandbox.app.listen(options.port ?? 0, host, () => {
      resolve(s);
    });
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...sandbox,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export { createSandboxApp, type SandboxApp } from './app.js';
export { DEFAULT_SEED, type Seed } from './seed.js';
export { SandboxState } from './state.js';
