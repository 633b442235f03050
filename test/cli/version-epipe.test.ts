import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/engine-process.js';
import { CLI, childEnv, createCliStore, runCli, type CliStore } from './support.js';

describe('cli: --version and a reader that goes away (EPIPE)', () => {
  let s: CliStore;
  beforeEach(() => {
    s = createCliStore();
  });
  afterEach(() => {
    s.cleanup();
  });

  it('ers-bridge --version prints the package.json version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    const long = await runCli(['--version']);
    expect(long).to.include({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await runCli(['-V'])).stdout).to.equal(`${pkg.version}\n`);
  });

  it('messages list | head -1: the command ends quietly with status 0 when stdout closes early', async () => {
    // More than a pipe buffer (64 KiB) of rows, so the command is still writing when the reader
    // closes its end, as `head -1` does after the first line.
    await s.seed(Array.from({ length: 3000 }, () => ({})));
    // The shell's own pipe to `head -1`, as an operator types it; the command's status is
    // PIPESTATUS[0].
    const command = [process.execPath, '--import', 'tsx', CLI, 'messages', 'list']
      .concat(['--limit', '3000', ...s.flags])
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn('bash', ['-c', `${command} | head -1; exit \${PIPESTATUS[0]}`], {
      cwd: repoRoot,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    const first = stdout;
    expect(first).to.match(/^\s*ID\s+RECEIVED[^\n]*\n$/);
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });
});
