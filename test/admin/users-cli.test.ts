import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../src/store/index.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function cli(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'users', ...args, '-c', dir],
    { cwd: root },
  );
  return stdout;
}

describe('ers-bridge users (CLI)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-users-cli-'));
    writeFileSync(join(dir, 'settings.yaml'), `dataDir: ${join(dir, 'data')}\n`);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a user with a random password shown once, issues a token, and audits both', async () => {
    const added = await cli(dir, 'add', 'ann', '--role', 'operator');
    const password = /with password (\S+)/.exec(added)?.[1] ?? '';
    expect(password).to.have.length.of.at.least(20);
    const token = (await cli(dir, 'token', 'ann', '--label', 'prometheus')).trim();
    expect(token).to.match(/^ersb_[0-9a-f]{12}_/);
    const file = readFileSync(join(dir, 'data', 'users.json'), 'utf8');
    expect(file)
      .not.to.include(password)
      // The secret is everything after `ersb_<12 hex>_` (it may itself contain `_`).
      .and.not.to.include(token.slice('ersb_'.length + 13));
    expect(await cli(dir, 'list')).to.include('ann\toperator');
    const store = await openStore({ url: 'sqlite', dataDir: join(dir, 'data') });
    try {
      const actions = (await store.listAudit({})).map((a) => `${a.action} ${a.target ?? ''}`);
      expect(actions).to.include.members(['user.add ann', 'user.token ann']);
    } finally {
      await store.close();
    }
  });
});
