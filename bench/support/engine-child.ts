/**
 * Starts `ers-bridge start` as a user does: a config folder with settings.yaml, one channel file
 * (and the mappings it names), a SQLite store in a data folder, the CLI in a child process
 * (`tsx src/cli/main.ts start`, what `npm start` runs, with the image's NODE_OPTIONS). Every port
 * is 127.0.0.1: MLLP and the admin server on port 0, the embedded sandbox on a port picked here
 * so the bench can lift its quota. The engine's log goes to a file in the data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addToken, addUser } from '../../src/admin/auth/user-admin.js';
import { UserDirectory, usersFilePath } from '../../src/admin/auth/user-file.js';

export const ENGINE_DESTINATIONS = ['file', 'file-batch', 'ers'] as const;
export type EngineDestination = (typeof ENGINE_DESTINATIONS)[number];

export interface EngineChildOptions {
  /** An empty folder; config/ and data/ are made in it. */
  readonly dir: string;
  readonly destination: EngineDestination;
  /** HL7 paths of the channel's ordering key; undefined keeps the MLLP source's default. */
  readonly orderingKey: readonly string[] | undefined;
  readonly workers: number;
  /** The channel's `batch`; undefined leaves the engine's default. */
  readonly batch?: number | undefined;
  readonly startTimeoutMs: number;
  /** Another checkout to run the engine from (a before/after comparison in one run); default
   * this one. */
  readonly repo?: string | undefined;
  /** The e-RS sandbox in a process of its own (`ers-bridge sandbox`), as the real e-RS is not in
   * the engine's process; false: embedded, sharing the engine's event loop. */
  readonly sandboxApart?: boolean;
  /** settings `workers.processIn` (decision 170); unset: not written (the engine's default). */
  readonly processIn?: 'main' | 'thread' | undefined;
  /** NODE_OPTIONS for the engine instead of the Dockerfile's (e.g. another semi-space size). */
  readonly nodeOptions?: string | undefined;
}

export interface EngineChild {
  readonly mllpPort: number;
  readonly sandboxUrl: string;
  readonly storeFile: string;
  readonly logFile: string;
  /** The dashboard's address and a bearer token of an admin user made for the bench. */
  readonly adminUrl: string;
  readonly adminToken: string;
  stop(): Promise<void>;
}

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const CHANNEL_ID = 'bench-in';

/** The Dockerfile's NODE_OPTIONS, so the engine runs with the heap settings the image ships. */
export function imageNodeOptions(): string {
  const dockerfile = readFileSync(join(repo, 'Dockerfile'), 'utf8');
  return /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1] ?? '';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => {
        resolve(port);
      });
    });
  });
}

/** Pure: the channel file. Commit ACKs, one destination, the mapping only for e-RS. */
export function channelYaml(options: EngineChildOptions): string {
  const ordering =
    options.orderingKey === undefined
      ? ''
      : `  orderingKey: [${options.orderingKey.map((k) => `'${k}'`).join(', ')}]\n`;
  const head = [
    `id: ${CHANNEL_ID}`,
    `name: Whole-engine bench (${options.destination})`,
    'source:',
    '  type: mllp',
    '  host: 127.0.0.1',
    '  port: 0',
    '  ack: { mode: commit }',
  ].join('\n');
  const tail = `retry: { maxAttempts: 3, initialDelayMs: 1000 }\nworkers: ${options.workers}\n${options.batch === undefined ? '' : `batch: ${options.batch}\n`}`;
  switch (options.destination) {
    case 'file':
      return `${head}\n${ordering}destinations:\n  - name: file\n    type: file\n    folder: out/bench\n    fileName: '{channel}-{id}.hl7'\n    content: raw\n${tail}`;
    case 'file-batch':
      return `${head}\n${ordering}destinations:\n  - name: file\n    type: file\n    folder: out/bench\n    mode: batch-file\n    content: raw\n${tail}`;
    case 'ers':
      return `${head}\n${ordering}transformer:\n  type: mapping\n  mappings: [mappings/ref-i12-a021.yaml]\ndestinations:\n  - name: ers\n    type: ers\n${tail}`;
  }
}

/** Pure: settings.yaml. The shipped one's choices, on 127.0.0.1, and no client-side e-RS quota. */
export function settingsYaml(
  dataDir: string,
  sandboxPort: number,
  apart = false,
  processIn?: 'main' | 'thread',
): string {
  // A sandbox apart is called as any e-RS is: a base URL and the auth the embedded one implies
  // (src/ers/provider.ts SANDBOX_DEFAULT_AUTH), with its code-system placeholder.
  const ersApart = apart
    ? `, baseUrl: 'http://127.0.0.1:${sandboxPort}', codeSystemBase: '_baseUrl_', auth: { mode: platform, accessToken: sandbox-access-token, businessFunction: REFERRING_CLINICIAN, odsCode: R69 }`
    : '';
  return [
    `dataDir: ${JSON.stringify(dataDir)}`,
    'store: sqlite',
    'sqliteWriterThread: true',
    'http: { host: 127.0.0.1, port: 0 }',
    `sandbox: { enabled: ${apart ? 'false' : 'true'}, host: 127.0.0.1, port: ${sandboxPort} }`,
    // The client's limiter would hold the rate at the platform default (600/min): lifted so the
    // bench measures the engine, with the sandbox's quota lifted to match.
    `ers: { requestsPerMinute: 100000000${ersApart} }`,
    'logging: { level: info }',
    // A base checkout may not know the setting: written only when it is not the default.
    ...(processIn === 'thread' ? ['workers: { processIn: thread }'] : []),
    '',
  ].join('\n');
}

function writeConfig(
  options: EngineChildOptions,
  sandboxPort: number,
): { config: string; data: string } {
  const config = join(options.dir, 'config');
  const data = join(options.dir, 'data');
  mkdirSync(join(config, 'channels'), { recursive: true });
  mkdirSync(join(config, 'mappings', 'tables'), { recursive: true });
  mkdirSync(data, { recursive: true });
  writeFileSync(
    join(config, 'settings.yaml'),
    settingsYaml(data, sandboxPort, options.sandboxApart === true, options.processIn),
  );
  writeFileSync(join(config, 'channels', `${CHANNEL_ID}.yaml`), channelYaml(options));
  copyFileSync(
    join(repo, 'mappings/ref-i12-a021.yaml'),
    join(config, 'mappings/ref-i12-a021.yaml'),
  );
  cpSync(join(repo, 'mappings/tables'), join(config, 'mappings/tables'), { recursive: true });
  return { config, data };
}

/** An admin user with an API token in the data folder's users.json, before the engine starts. */
async function benchAdmin(data: string): Promise<string> {
  const directory = new UserDirectory(usersFilePath(data, {}));
  const options = { directory, now: Date.now(), log2Cost: 10 };
  await addUser(options, { name: 'bench', role: 'admin', password: 'bench password 1' });
  return addToken(options, 'bench', 'engine bench');
}

function waitForBanner(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ mllpPort: number; adminUrl: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      reject(new Error(`engine not ready in ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (/REFUSED/.test(text)) {
        clearTimeout(timer);
        reject(new Error(`engine refused the bench channel:\n${text}`));
        return;
      }
      const port = /channel\s+\S+\s+\S+\s+mllp:\/\/[^\s]*:(\d+)/.exec(text)?.[1];
      const adminUrl = /dashboard\s+(http:\/\/\S+)/.exec(text)?.[1];
      if (port !== undefined && adminUrl !== undefined && text.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve({ mllpPort: Number(port), adminUrl: adminUrl.replace(/\/$/, '') });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`engine exited (${String(code)}) before it was ready:\n${text}`));
    });
  });
}

/** The bench's environment without ERS_BRIDGE_* overrides, so settings.yaml is what runs. */
function engineEnv(nodeOptions = imageNodeOptions()): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_OPTIONS: nodeOptions };
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('ERS_BRIDGE_') && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}

/** `ers-bridge sandbox` in its own process; resolves once it listens. */
async function startSandboxChild(
  repo: string,
  port: number,
): Promise<{ child: ChildProcess; exited: Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repo, 'src/cli/main.ts'),
      'sandbox',
      '--port',
      String(port),
      // "Unlimited": far more requests per minute than this machine can send.
      '--faults',
      JSON.stringify({ quotaPerMinute: 1_000_000_000 }),
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], env: engineEnv() },
  );
  const exited = new Promise<void>((r) => {
    child.once('exit', () => {
      r();
    });
  });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (text.includes('listening on')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`sandbox exited (${String(code)}): ${text}`));
    });
  });
  child.stdout.resume();
  return { child, exited };
}

export async function startEngineChild(options: EngineChildOptions): Promise<EngineChild> {
  const sandboxPort = await freePort();
  const sandbox =
    options.sandboxApart === true && options.destination === 'ers'
      ? await startSandboxChild(options.repo ?? repo, sandboxPort)
      : undefined;
  const { config, data } = writeConfig(options, sandboxPort);
  const adminToken = await benchAdmin(data);
  const engineRepo = options.repo ?? repo;
  const logFile = join(data, 'engine.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      // BENCH_ENGINE_NODE_ARGS: flags for the engine's node only, e.g. `--cpu-prof --cpu-prof-dir=…`
      // (not allowed in NODE_OPTIONS); the profile is written when the engine stops.
      ...(process.env['BENCH_ENGINE_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
      '--import',
      'tsx',
      join(engineRepo, 'src/cli/main.ts'),
      'start',
      '--config',
      config,
    ],
    {
      cwd: engineRepo, // where `npm start` runs; every path in the config is absolute
      stdio: ['ignore', log, 'pipe'],
      env: engineEnv(options.nodeOptions),
    },
  );
  closeSync(log);
  // If the bench itself ends early (an error, Ctrl+C, `timeout`), the engine must not outlive it.
  const orphanGuard = (): void => {
    child.kill('SIGKILL');
    sandbox?.child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    orphanGuard();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const guard = (on: boolean): void => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      if (on) process.once(signal, onSignal);
      else process.off(signal, onSignal);
    if (on) process.once('exit', orphanGuard);
    else process.off('exit', orphanGuard);
  };
  guard(true);
  const exited = new Promise<void>((r) => {
    child.once('exit', () => {
      r();
    });
  });
  let ready: { mllpPort: number; adminUrl: string };
  try {
    ready = await waitForBanner(child, options.startTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    sandbox?.child.kill('SIGKILL');
    await exited;
    guard(false);
    throw error;
  }
  // The banner's text is all it needs; stop reading so the pipe never fills.
  child.stderr?.resume();
  return {
    ...ready,
    adminToken,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    storeFile: join(data, 'ers-bridge.db'),
    logFile,
    async stop() {
      guard(false);
      if (sandbox !== undefined) {
        sandbox.child.kill('SIGKILL');
        await sandbox.exited;
      }
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
