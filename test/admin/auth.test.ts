import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startAdminHarness, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { UserDirectory } from '../../src/admin/auth/user-file.js';
import { addUser, setPassword, setRole } from '../../src/admin/auth/user-admin.js';
import { seedMessage } from './support/fixtures.js';

describe('admin auth: sessions, CSRF, lock-out', function () {
  this.timeout(30_000);
  let h: AdminHarness;
  before(async () => {
    h = await startAdminHarness({ lockout: { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 } });
  });
  after(async () => {
    await h.close();
  });

  it('creates the first admin from ERS_BRIDGE_ADMIN_PASSWORD and prints no password', async () => {
    expect(h.announced).to.deep.equal([]);
    expect((await new Client(h.url).login('admin', PASSWORD)).status).to.equal(303);
  });

  it('keeps users in a file only its owner can read, with scrypt hashes and no clear passwords', () => {
    const file = join(h.dataDir, 'users.json');
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).to.include('"passwordHash": "scrypt$');
    expect(text).not.to.include(PASSWORD);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const client = new Client(h.url);
    const form = await client.request('GET', '/login', { headers: { accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const reply = await client.request('POST', '/login', {
      form: { username: 'viewer', password: PASSWORD, _csrf: csrf },
    });
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('ersb_session='));
    expect(cookie)
      .to.match(/HttpOnly/i)
      .and.to.match(/SameSite=Strict/i);
  });

  it('refuses a state-changing request from a session without the CSRF token', async () => {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    const client = new Client(h.url);
    await client.login('operator', PASSWORD);
    const reply = await client.request('POST', `/api/messages/${id}/reprocess`, { json: {} });
    expect(reply.status).to.equal(403);
    expect(reply.json<{ error: { code: string } }>().error.code).to.equal('ADMIN_CSRF');
    expect((await h.store.get(id))?.status).to.equal('ERROR');
  });

  it('refuses a CSRF token from another session', async () => {
    const id = await seedMessage(h.store, { status: 'ERROR' });
    const mine = new Client(h.url);
    const theirs = new Client(h.url);
    await mine.login('operator', PASSWORD);
    await theirs.login('operator', PASSWORD);
    mine.csrf = theirs.csrf;
    expect((await mine.post(`/api/messages/${id}/reprocess`)).status).to.equal(403);
  });

  it('refuses a login form posted without its CSRF token', async () => {
    const reply = await new Client(h.url).request('POST', '/login', {
      form: { username: 'viewer', password: PASSWORD },
    });
    expect(reply.status).to.equal(403);
    expect(reply.headers.get('set-cookie') ?? '').not.to.include('ersb_session=');
  });

  it('locks a user name after repeated failures, even for the right password, and audits it', async () => {
    const client = new Client(h.url);
    for (let i = 0; i < 3; i++)
      expect((await client.login('operator', 'wrong password!')).status).to.equal(401);
    const reply = await client.login('operator', PASSWORD);
    expect(reply.status).to.equal(429);
    expect(reply.text).to.include('locked');
    const actions = (await h.store.listAudit({}))
      .filter((a) => a.target === 'operator')
      .map((a) => a.action);
    expect(actions).to.include.members(['login.failed', 'login.lockout', 'login.locked']);
  });

  it('audits every successful login with the user', async () => {
    await new Client(h.url).login('viewer', PASSWORD);
    const logins = (await h.store.listAudit({})).filter((a) => a.action === 'login');
    expect(logins.map((a) => a.actor)).to.include('user:viewer');
  });

  it('logs out: the old session cookie no longer works', async () => {
    const client = new Client(h.url);
    await client.login('viewer', PASSWORD);
    const cookie = client.cookies.get('ersb_session');
    expect((await client.post('/logout')).status).to.equal(303);
    client.cookies.set('ersb_session', cookie ?? '');
    expect((await client.get('/api/channels')).status).to.equal(401);
  });

  it("ends a session when the user's password changes, and applies a changed role at once", async () => {
    const directory = new UserDirectory(join(h.dataDir, 'users.json'));
    const options = { directory, now: Date.now(), log2Cost: 10 };
    await addUser(options, { name: 'temp', role: 'viewer', password: PASSWORD });
    const client = new Client(h.url);
    await client.login('temp', PASSWORD);
    setRole(options, 'temp', 'admin');
    expect((await client.get('/api/audit')).status).to.equal(200);
    await setPassword(options, 'temp', 'a brand new password');
    expect((await client.get('/api/channels')).status).to.equal(401);
  });

  it('redirects a browser without a session to the login page', async () => {
    const reply = await new Client(h.url).request('GET', '/messages', {
      headers: { accept: 'text/html' },
    });
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/login?next=%2Fmessages');
  });

  it('never redirects after login to another site', async () => {
    const client = new Client(h.url);
    const form = await client.request('GET', '/login', { headers: { accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const reply = await client.request('POST', '/login', {
      form: { username: 'viewer', password: PASSWORD, _csrf: csrf, next: '//evil.example/' },
    });
    expect(reply.headers.get('location')).to.equal('/');
  });
});

describe('admin auth: rate limit and first start', function () {
  this.timeout(30_000);

  it('rate-limits logins from one address', async () => {
    const h = await startAdminHarness({ loginsPerMinute: 2 });
    try {
      const client = new Client(h.url);
      await client.login('viewer', 'nope nope nope');
      await client.login('viewer', 'nope nope nope');
      expect((await client.login('viewer', PASSWORD)).status).to.equal(429);
    } finally {
      await h.close();
    }
  });
});
