/**
 * Starts a real engine in this process on a temp config and data folder (ports 0, sandbox off,
 * silent logs), for integration tests. Channels are written as YAML text, as users write them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/core/logger.js';
import { runEngine, type RunningEngine } from '../../src/main/run.js';

export interface Harness {
  readonly dir: string;
  readonly configDir: string;
  readonly dataDir: string;
  writeChannel(name: string, yaml: string): void;
  start(extraSettings?: string): Promise<RunningEngine>;
  cleanup(): Promise<void>;
}

export function createHarness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'ers-engine-'));
  const configDir = join(dir, 'config');
  const dataDir = join(dir, 'data');
  mkdirSync(join(configDir, 'channels'), { recursive: true });
  mkdirSync(join(configDir, 'mappings'), { recursive: true });
  const running: RunningEngine[] = [];
  return {
    dir,
    configDir,
    dataDir,
    writeChannel(name, yaml) {
      writeFileSync(join(configDir, 'channels', name), yaml);
    },
    async start(extraSettings = '') {
      // Extra settings replace the test defaults of the same top-level key.
      const defaults = [
        `dataDir: ${dataDir}`,
        'http: { port: 0 }',
        'sandbox: { enabled: false }',
        'workers: { pollIntervalMs: 50 }',
        'hotReload: false',
        'logging: { level: silent }',
      ];
      const overridden = new Set(extraSettings.split('\n').map((l) => l.split(':')[0]?.trim()));
      const lines = [
        ...defaults.filter((l) => !overridden.has(l.split(':')[0]?.trim())),
        extraSettings,
      ];
      writeFileSync(join(configDir, 'settings.yaml'), `${lines.join('\n')}\n`);
      const engine = await runEngine({
        configDir,
        env: {},
        logger: createLogger({ level: 'silent' }),
      });
      running.push(engine);
      return engine;
    },
    async cleanup() {
      for (const r of running.splice(0)) await r.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function endpointPort(endpoint: string | undefined): number {
  const m = /:(\d+)(\/|$)/.exec(endpoint ?? '');
  if (!m) throw new Error(`no port in ${endpoint ?? '(none)'}`);
  return Number(m[1]);
}
