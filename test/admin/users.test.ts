import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserDirectory } from '../../src/admin/auth/user-file.js';
import {
  addToken,
  addUser,
  ensureInitialAdmin,
  revokeToken,
  setPassword,
} from '../../src/admin/auth/user-admin.js';
import { verifyPassword } from '../../src/admin/auth/passwords.js';
import { parseToken, secretMatches } from '../../src/admin/auth/tokens.js';

describe('admin users file', () => {
  let dir: string;
  let options: { directory: UserDirectory; now: number; log2Cost: number };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ers-users-'));
    options = { directory: new UserDirectory(join(dir, 'users.json')), now: 1, log2Cost: 10 };
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates admin with a random password on first start and hands it back once', async () => {
    const first = await ensureInitialAdmin({ ...options, env: {} });
    expect(first.created).to.equal(true);
    const password = first.created ? first.generatedPassword : undefined;
    expect(password).to.have.length.of.at.least(20);
    expect(
      await verifyPassword(password ?? '', options.directory.find('admin')?.passwordHash ?? ''),
    ).to.equal(true);
    expect((await ensureInitialAdmin({ ...options, env: {} })).created).to.equal(false);
  });

  it('refuses a first admin password from the environment that is too short', async () => {
    let message = '';
    await ensureInitialAdmin({ ...options, env: { ERS_BRIDGE_ADMIN_PASSWORD: 'admin' } }).catch(
      (e: unknown) => {
        message = (e as Error).message;
      },
    );
    expect(message).to.equal('ERS_BRIDGE_ADMIN_PASSWORD must be at least 12 characters long');
  });

  it('refuses a short password', async () => {
    let message = '';
    await addUser(options, { name: 'ann', role: 'viewer', password: 'short' }).catch(
      (e: unknown) => {
        message = (e as Error).message;
      },
    );
    expect(message).to.include('at least 12');
  });

  it('changes a password: the old one stops working', async () => {
    await addUser(options, { name: 'ann', role: 'viewer', password: 'first password 1' });
    await setPassword(options, 'ann', 'second password 2');
    const hash = options.directory.find('ann')?.passwordHash ?? '';
    expect(await verifyPassword('first password 1', hash)).to.equal(false);
    expect(await verifyPassword('second password 2', hash)).to.equal(true);
  });

  it('stores only a hash of an API token, and a revoked token is gone', async () => {
    await addUser(options, { name: 'bot', role: 'operator', password: 'a long password' });
    const token = addToken(options, 'bot', 'prometheus');
    const parsed = parseToken(token);
    const found = options.directory.findToken(parsed?.id ?? '');
    expect(found?.token.secretHash).not.to.include(parsed?.secret ?? '?');
    expect(secretMatches(parsed?.secret ?? '', found?.token.secretHash ?? '')).to.equal(true);
    expect(revokeToken(options, parsed?.id ?? '')).to.equal(true);
    expect(options.directory.findToken(parsed?.id ?? '')).to.equal(undefined);
  });
});
