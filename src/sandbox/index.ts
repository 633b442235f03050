// sandbox: a local simulator of the e-RS FHIR STU3 API (both path flavours), for tests and trials.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxApp, type SandboxApp } from './app.js';
import { loadSeedFile, SEED_WORLDS, type Seed, type SeedWorld } from './seed.js';

export interface RunningSandbox extends SandboxApp {
  readonly url: string;
  close(): Promise<void>;
}

export interface SandboxOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The starting world; default DEFAULT_SEED (the world DEFAULT_WORLD names). */
  seed?: Seed;
  /** A named starting world instead of `seed`: `nhs` (NHS's sandbox test world) or `legacy`. */
  world?: SeedWorld;
  /** A YAML/JSON seed file laid over `seed` (or the default): see docs/sandbox.md. */
  seedFile?: string;
  /** Initial faults, as for POST /_sandbox/faults: { latencyMs, failNext, quotaPerMinute }. */
  faults?: unknown;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const start = options.world === undefined ? options.seed : SEED_WORLDS[options.world];
  const seed = options.seedFile ? await loadSeedFile(options.seedFile, start) : start;
  const sandbox = createSandboxApp({
    ...(seed ? { seed } : {}),
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error to this callback too (then the server has no address).
    const s = sandbox.app.listen(options.port ?? 0, host, (error?: Error) => {
      if (error) reject(error);
      else resolve(s);
    });
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
export {
  DEFAULT_SEED,
  DEFAULT_WORLD,
  isSeedWorld,
  loadSeedFile,
  mergeSeed,
  SEED_WORLDS,
  SeedSchema,
  type Seed,
  type SeedWorld,
} from './seed.js';
export { NHS_SEED } from './nhs-seed.js';
export { SandboxState } from './state.js';
