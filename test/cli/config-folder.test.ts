import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { configFolder } from '../../src/cli/options.js';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { repoRoot } from '../support/engine-process.js';
import { childEnv, runCli } from './support.js';

describe('cli config folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a folder that holds no settings, channels or mappings, naming it', () => {
    expect(() => configFolder(dir)).to.throw(`${dir} is not an ers-bridge config folder`);
  });

  it('accepts a folder with a channels folder only', () => {
    mkdirSync(join(dir, 'channels'));
    expect(configFolder(dir)).to.equal(dir);
  });

  for (const command of [
    ['messages', 'list'],
    ['validate'],
    ['users', 'add', 'alice'],
    ['migrate'],
  ])
    it(`\`${command.join(' ')}\` in a folder that is not a config folder says which folder and writes nothing`, async () => {
      const result = await runCli([...command, '--config', dir]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.include(`${dir} is not an ers-bridge config folder`);
      expect(readdirSync(dir)).to.deep.equal([]);
      expect(existsSync(join(dir, 'data'))).to.equal(false);
    });

  it('starts the engine from a config folder outside the repository (its store thread included)', async function () {
    this.timeout(60_000);
    mkdirSync(join(dir, 'channels'));
    writeFileSync(
      join(dir, 'settings.yaml'),
      'http: { port: 0 }\nsandbox: { enabled: false }\nlogging: { level: warn }\n',
    );
    writeFileSync(
      join(dir, 'channels/demo.yaml'),
      [
        'id: demo',
        'source: { type: http, port: 0 }',
        // Building a mapping channel writes its mapping version: the store thread must work.
        'transformer: { type: mapping, mappings: [mappings/ref-i12-a021.yaml] }',
        'destinations: [{ name: out, type: file, folder: out }]',
        '',
      ].join('\n'),
    );
    cpSync(join(repoRoot, 'mappings'), join(dir, 'mappings'), { recursive: true });
    const child = spawn(process.execPath, [join(repoRoot, 'bin/ers-bridge.js'), 'start'], {
      cwd: dir,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const started = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('Press Ctrl+C to stop.')) resolve();
      });
      child.once('exit', (code) => {
        reject(new Error(`exited ${String(code)}: ${stderr}`));
      });
    });
    try {
      await started;
      expect(stderr).to.match(/channel\s+demo\s+STARTED/);
      expect(stderr).not.to.include('REFUSED');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
