import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { verifyPassword } from '../../src/admin/auth/passwords.js';
import { UserDirectory } from '../../src/admin/auth/user-file.js';
import { startCliEngine, type CliEngine } from '../support/cli-engine.js';
import { freePort } from '../support/engine-process.js';

/** A real `ers-bridge start` on an empty config folder; its output is what container logs keep. */
describe('first start: the admin password goes to a file on the data volume, never the output', function () {
  this.timeout(60_000);
  let dir: string;
  let engine: CliEngine | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-first-run-'));
    mkdirSync(join(dir, 'config'));
  });
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(extra: Record<string, string> = {}): Promise<CliEngine> {
    return startCliEngine(join(dir, 'config'), {
      ERS_BRIDGE_DATA_DIR: join(dir, 'data'),
      ERS_BRIDGE_HTTP_PORT: String(await freePort()),
      ERS_BRIDGE_SANDBOX_PORT: String(await freePort()),
      ...extra,
    });
  }

  async function adminAccepts(password: string): Promise<boolean> {
    const admin = new UserDirectory(join(dir, 'data', 'users.json')).find('admin');
    return verifyPassword(password, admin?.passwordHash ?? '');
  }

  it('writes a random password to <data>/initial-admin-password (0600) and prints only the path', async () => {
    engine = await start();
    const file = join(dir, 'data', 'initial-admin-password');
    expect(existsSync(file), 'password file').to.equal(true);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).to.have.length.of.at.least(20);
    expect(await adminAccepts(password)).to.equal(true);
    const output = engine.output();
    expect(output).to.include(file);
    expect(output).not.to.include(password);

    // A second start finds the user and leaves the file (and the output) alone.
    expect(await engine.stop()).to.equal(0);
    engine = await start();
    expect(readFileSync(file, 'utf8').trim()).to.equal(password);
    expect(engine.output()).not.to.include('initial-admin-password');
  });

  it('takes ERS_BRIDGE_ADMIN_PASSWORD as before and writes no file', async () => {
    const password = 'a long enough password';
    engine = await start({ ERS_BRIDGE_ADMIN_PASSWORD: password });
    expect(existsSync(join(dir, 'data', 'initial-admin-password'))).to.equal(false);
    expect(await adminAccepts(password)).to.equal(true);
    expect(engine.output()).not.to.include(password);
  });
});
