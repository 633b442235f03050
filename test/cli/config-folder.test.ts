import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { configFolder } from '../../src/cli/options.js';
import { runCli } from './support.js';

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
});
