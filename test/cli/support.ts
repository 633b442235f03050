/**
 * The real `ers-bridge` command as a child process on a temp config and SQLite store, for tests
 * of what each command prints. Messages are put in the store through the store's own API.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type MessageStore, type NewMessage } from '../../src/store/index.js';
import { repoRoot } from '../support/engine-process.js';

export const CLI = join(repoRoot, 'src/cli/main.ts');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Parent env without ERS_BRIDGE_* settings, plus `env`; keys set to undefined are removed. */
export function childEnv(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([k]) => !k.startsWith('ERS_BRIDGE_') && !(k in env),
  );
  const given = Object.entries(env).filter(([, v]) => v !== undefined);
  return Object.fromEntries([...inherited, ...given]);
}

/** Runs `ers-bridge <args>` to the end; stdout is a pipe (not a terminal). */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const spawnOptions: SpawnOptions = {
    cwd: repoRoot,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

export interface CliStore {
  readonly dir: string;
  readonly configDir: string;
  /** `--config <dir>` for a command. */
  readonly flags: readonly string[];
  open(): Promise<MessageStore>;
  /** Appends the messages (and closes the store, so the command is its only user). */
  seed(
    messages: readonly Partial<NewMessage>[],
    then?: (store: MessageStore, ids: number[]) => Promise<void>,
  ): Promise<number[]>;
  cleanup(): void;
}

export function createCliStore(): CliStore {
  const dir = mkdtempSync(join(tmpdir(), 'ers-cli-'));
  const configDir = join(dir, 'config');
  const dataDir = join(dir, 'data');
  mkdirSync(join(configDir, 'channels'), { recursive: true });
  writeFileSync(
    join(configDir, 'settings.yaml'),
    `dataDir: ${dataDir}\nhttp: { port: 0 }\nsandbox: { enabled: false }\nlogging: { level: silent }\n`,
  );
  const open = (): Promise<MessageStore> =>
    openStore({ url: 'sqlite', dataDir, sqliteWriterThread: false });
  return {
    dir,
    configDir,
    flags: ['--config', configDir],
    open,
    async seed(messages, then) {
      const store = await open();
      try {
        const results = await store.appendMany(
          messages.map((m, i) => ({
            channel: 'pas-mllp',
            sender: 'PAS|RXX01',
            controlId: `PAS${String(i).padStart(7, '0')}`,
            contentType: 'application/hl7-v2',
            raw: Buffer.from(`MSH|^~\\&|PAS|RXX01|ERS|RXX01|20261206||REF^I12|PAS${i}|P|2.4\r`),
            messageType: 'REF^I12',
            ...m,
          })),
        );
        const ids = results.map((r) => r.id);
        if (then) await then(store, ids);
        return ids;
      } finally {
        await store.close();
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
