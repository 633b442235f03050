import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { can, PERMISSIONS, type Permission, type Role } from '../../src/admin/auth/roles.js';
import { startAdminHarness, ROLES, PASSWORD, type AdminHarness } from './support/admin-harness.js';
import { Client } from './support/http-client.js';
import { ALPHA_CHANNEL, seedMessage } from './support/fixtures.js';

interface EndpointCase {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: (id: number) => string;
  readonly permission: Permission;
  /** The audit action an allowed call leaves, if any. */
  readonly audit?: string;
  readonly body?: Record<string, unknown>;
  readonly status?: 'ERROR' | 'NEEDS_REVIEW';
  /** The answer when allowed: 200, or 303 for a dashboard form (redirect after post). */
  readonly ok?: number;
}

const ROOT = join(import.meta.dirname, '..', '..');
/** A mapping to replay stored messages through (its tables are copied into the config). */
const CANDIDATE = readFileSync(join(ROOT, 'mappings/ref-i12-a021.yaml'), 'utf8');

const ENDPOINTS: readonly EndpointCase[] = [
  { method: 'GET', path: () => '/readyz', permission: 'health.view' },
  { method: 'GET', path: () => '/metrics', permission: 'metrics.view' },
  { method: 'GET', path: () => '/api/channels', permission: 'channels.view' },
  {
    method: 'POST',
    path: () => '/api/channels/alpha/reload',
    permission: 'channels.control',
    audit: 'channel.reload',
  },
  { method: 'GET', path: () => '/api/messages?status=ERROR', permission: 'messages.view' },
  {
    method: 'GET',
    path: (id) => `/api/messages/${id}`,
    permission: 'messages.body',
    audit: 'message.view',
  },
  {
    method: 'GET',
    path: (id) => `/api/messages/${id}/raw`,
    permission: 'messages.export',
    audit: 'message.export',
  },
  {
    method: 'POST',
    path: (id) => `/api/messages/${id}/reprocess`,
    permission: 'messages.reprocess',
    audit: 'message.reprocess',
    body: { note: 'fixed' },
  },
  {
    method: 'POST',
    path: () => '/api/messages/reprocess',
    permission: 'messages.reprocess',
    audit: 'message.reprocess-bulk',
    body: { channel: 'nowhere' },
  },
  {
    method: 'POST',
    path: (id) => `/api/messages/${id}/resolve`,
    permission: 'messages.resolve',
    audit: 'message.resolve',
    body: { note: 'checked in e-RS' },
    status: 'NEEDS_REVIEW',
  },
  {
    method: 'POST',
    path: () => '/api/messages/bulk',
    permission: 'messages.reprocess',
    audit: 'message.bulk-reprocess',
    body: { action: 'reprocess', ids: [999_999] },
  },
  {
    method: 'POST',
    path: (id) => `/api/messages/${id}/resend`,
    permission: 'messages.resend',
    audit: 'message.edit-resend',
    body: { body: 'MSH|^~\\&|PAS|RX1|ERS|NHS|20261125070000||REF^I12|C9|P|2.4', note: 'fixed' },
  },
  {
    method: 'PUT',
    path: () => '/api/filters/errors',
    permission: 'filters.manage',
    audit: 'filter.save',
    body: { status: 'ERROR' },
  },
  { method: 'GET', path: () => '/api/mappings', permission: 'mapping.test' },
  { method: 'GET', path: () => '/api/audit', permission: 'audit.view', audit: 'audit.view' },
  {
    method: 'POST',
    path: () => '/api/mapping-test',
    permission: 'mapping.test',
    audit: 'mapping.test',
    body: { mapping: 'mappings/any.yaml', message: 'MSH|^~\\&|' },
  },
  // The dashboard pages and forms, guarded by the same table.
  { method: 'GET', path: () => '/', permission: 'channels.view' },
  { method: 'GET', path: () => '/messages?status=ERROR', permission: 'messages.view' },
  {
    method: 'GET',
    path: (id) => `/messages/${id}`,
    permission: 'messages.body',
    audit: 'message.view',
  },
  {
    method: 'POST',
    path: (id) => `/messages/${id}/reprocess`,
    permission: 'messages.reprocess',
    audit: 'message.reprocess',
    ok: 303,
  },
  {
    method: 'POST',
    path: (id) => `/messages/${id}/resolve`,
    permission: 'messages.resolve',
    audit: 'message.resolve',
    body: { note: 'seen in e-RS' },
    status: 'NEEDS_REVIEW',
    ok: 303,
  },
  {
    method: 'POST',
    path: () => '/channels/alpha/reload',
    permission: 'channels.control',
    audit: 'channel.reload',
    ok: 303,
  },
  {
    method: 'POST',
    path: () => '/channels/alpha/stop',
    permission: 'channels.control',
    audit: 'channel.stop',
    body: { confirmed: 'yes' },
    ok: 303,
  },
  {
    method: 'POST',
    path: () => '/messages/bulk',
    permission: 'messages.reprocess',
    audit: 'message.bulk-reprocess',
    body: { action: 'reprocess', id: '999999', confirmed: 'yes' },
    ok: 303,
  },
  {
    method: 'GET',
    path: (id) => `/messages/${id}/edit`,
    permission: 'messages.resend',
    audit: 'message.view',
  },
  {
    method: 'POST',
    path: (id) => `/messages/${id}/resend`,
    permission: 'messages.resend',
    audit: 'message.edit-resend',
    body: { body: 'MSH|^~\\&|PAS|RX1|ERS|NHS|20261125070000||REF^I12|C9|P|2.4' },
    ok: 303,
  },
  { method: 'GET', path: (id) => `/live/messages/${id}`, permission: 'messages.body' },
  { method: 'GET', path: () => '/live/channels', permission: 'channels.view' },
  { method: 'GET', path: () => '/live/messages?status=ERROR', permission: 'messages.view' },
  { method: 'GET', path: () => '/tester', permission: 'mapping.test' },
  {
    method: 'GET',
    path: () => '/api/mappings/ref-i12-a021/versions',
    permission: 'mapping.history',
  },
  { method: 'GET', path: () => '/mappings', permission: 'mapping.history' },
  {
    method: 'POST',
    path: () => '/api/mappings/replay',
    permission: 'mapping.replay',
    audit: 'mapping.replay',
    body: { candidate: CANDIDATE, channel: 'alpha', limit: 5 },
  },
  {
    // Past the guard an unknown version is refused: 400 for an admin, 403 for the others.
    method: 'POST',
    path: () => '/api/mappings/ref-i12-a021/rollback',
    permission: 'mapping.rollback',
    body: { version: 'abcdef12' },
    ok: 400,
  },
  { method: 'GET', path: () => '/audit', permission: 'audit.view', audit: 'audit.view' },
];

describe('admin API: every role against every endpoint', function () {
  this.timeout(60_000);
  let h: AdminHarness;
  before(async () => {
    h = await startAdminHarness({
      channels: { 'alpha.yaml': ALPHA_CHANNEL },
      files: {
        'mappings/any.yaml':
          '# a mapping file for the tester (the tester lists files with input and operation)\ninput: hl7v2\noperation: A021\n',
      },
      prepare: (configDir) => {
        cpSync(join(ROOT, 'mappings/tables'), join(configDir, 'mappings/tables'), {
          recursive: true,
        });
      },
    });
  });
  after(async () => {
    await h.close();
  });

  it('covers every permission of the role table', () => {
    const covered = new Set(ENDPOINTS.map((e) => e.permission));
    expect([...covered].sort()).to.deep.equal(Object.keys(PERMISSIONS).sort());
  });

  for (const role of ROLES) {
    for (const via of ['token', 'session'] as const) {
      for (const e of ENDPOINTS) {
        const allowed = can(role, e.permission);
        it(`${allowed ? 'lets' : 'refuses'} a ${role} (${via}) ${e.method} ${e.path(0)}${e.audit && allowed ? ` and audits ${e.audit}` : ''}`, async () => {
          const client = new Client(h.url, via === 'token' ? h.tokens[role] : undefined);
          if (via === 'session') expect((await client.login(role, PASSWORD)).status).to.equal(303);
          const id = await seedMessage(h.store, { status: e.status ?? 'ERROR' });
          const since = Date.now();
          const reply =
            e.method === 'GET'
              ? await client.get(e.path(id))
              : e.method === 'POST'
                ? await client.post(e.path(id), e.body)
                : await client.request(e.method, e.path(id), {
                    json: e.body ?? {},
                    headers: client.csrf ? { 'x-csrf-token': client.csrf } : {},
                  });
          if (!allowed) {
            expect(reply.status, reply.text).to.equal(403);
            expect(reply.json<{ error: { code: string } }>().error.code).to.equal(
              'ADMIN_FORBIDDEN',
            );
            return;
          }
          expect(reply.status, reply.text).to.equal(e.ok ?? 200);
          if (e.audit) {
            const entries = await h.store.listAudit({ from: since - 1 });
            expect(entries.map((a) => `${a.actor} ${a.action}`)).to.include(
              `user:${role} ${e.audit}`,
            );
          }
        });
      }
    }
  }

  it('answers 401 to every endpoint without credentials', async () => {
    const client = new Client(h.url);
    for (const e of ENDPOINTS) {
      const reply =
        e.method === 'GET' ? await client.get(e.path(1)) : await client.post(e.path(1), e.body);
      expect(reply.status, `${e.method} ${e.path(1)}`).to.equal(401);
    }
  });

  it('answers /healthz without credentials', async () => {
    const reply = await new Client(h.url).get('/healthz');
    expect(reply.status).to.equal(200);
  });

  it('refuses a made-up bearer token', async () => {
    const reply = await new Client(h.url, `ersb_000000000000_${'x'.repeat(43)}`).get(
      '/api/channels',
    );
    expect(reply.status).to.equal(401);
  });

  it('keeps the role table ordered: whatever a viewer may do, an operator and an admin may too', () => {
    const roles: Role[] = ['viewer', 'operator', 'admin'];
    for (const p of Object.keys(PERMISSIONS) as Permission[]) {
      const allowed = roles.map((r) => can(r, p));
      expect(allowed.indexOf(true), p).to.be.at.least(0);
      expect(allowed.slice(allowed.indexOf(true)).every(Boolean), p).to.equal(true);
    }
  });
});
