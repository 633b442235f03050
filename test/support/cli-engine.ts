/**
 * `ers-bridge start` as a real child process with every byte it writes to stdout and stderr kept,
 * for tests of what a first start prints (container logs are exactly this output).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './engine-process.js';

export interface CliEngine {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `ers-bridge start` as a child; env replaces the parent's ERS_BRIDGE_* variables. */
function spawnStart(configDir: string, env: Record<string, string>): ChildProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('ERS_BRIDGE_')),
  );
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), 'start', '--config', configDir],
    { cwd: repoRoot, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** For a start that should fail: its exit code and everything it printed. */
export function runCliEngineToExit(
  configDir: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const child = spawnStart(configDir, env);
  let out = '';
  const keep = (d: Buffer): void => {
    out += d.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      resolve({ code, out });
    }),
  );
}

/** Resolves once the start banner is printed; env replaces the parent's ERS_BRIDGE_* variables. */
export function startCliEngine(configDir: string, env: Record<string, string>): Promise<CliEngine> {
  const child = spawnStart(configDir, env);
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Press Ctrl+C'))
        resolve({
          child,
          output: () => out,
          async stop() {
            child.kill('SIGTERM');
            return exited;
          },
        });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      reject(new Error(`engine exited early (${String(code)}): ${out}`));
    });
  });
}
