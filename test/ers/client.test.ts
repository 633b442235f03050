import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth, sessionAuth } from '../../src/ers/auth.js';
import { ErsError } from '../../src/ers/ers-error.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { SqliteMessageStore } from '../../src/store/sqlite/index.js';

const referral = {
  nhsNumber: '9912003888',
  priority: 'URGENT',
  serviceIds: ['12000'],
  specialty: 'UROLOGY',
};
const platform = (businessFunction = 'REFERRING_CLINICIAN') =>
  platformAuth({ mode: 'platform', accessToken: 'test-token', businessFunction, odsCode: 'R69' });

async function rejection(p: Promise<unknown>): Promise<ErsError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ErsError) return error;
    throw error;
  }
  throw new Error('expected an ErsError');
}

describe('ers: client against the sandbox', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let store: SqliteMessageStore;
  before(async () => {
    sandbox = await startSandbox({ port: 0, world: 'legacy' });
    dir = mkdtempSync(join(tmpdir(), 'ers-client-'));
    store = new SqliteMessageStore({ file: join(dir, 's.db') });
  });
  after(async () => {
    await sandbox.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    sandbox.state.reset();
  });
  const client = (
    auth = platform(),
    extra: Partial<ConstructorParameters<typeof ErsClient>[0]> = {},
  ) =>
    new ErsClient({
      stu3Base: `${sandbox.url}/FHIR/STU3`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs: 2000,
      store,
      ...extra,
    });

  it('creates a referral for triage and returns its UBRN and version (platform auth)', async () => {
    const result = await client().execute('A021', referral);
    expect(result.status).to.equal(201);
    expect(result.output).to.deep.include({ version: '1' });
    expect(result.output['ubrn']).to.match(/^\d{12}$/);
    expect(result.transactionId).to.match(/-1$/);
    const sent = sandbox.state.requests.at(-1)!;
    expect(sent.headers['nhsd-ers-business-function']).to.equal('REFERRING_CLINICIAN');
    expect(sent.headers['x-correlation-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('runs the classic session flow (A001, A002) once and sends the session key on every call', async () => {
    const auth = sessionAuth(
      {
        mode: 'session',
        asid: '200000000001',
        token: 'sso-token',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      },
      sandbox.url,
    );
    const c = new ErsClient({
      stu3Base: `${sandbox.url}/STU3/v1`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs: 2000,
    });
    const { output } = await c.execute('A021', referral);
    await c.execute('A005', { ubrn: output['ubrn'] });
    const paths = sandbox.state.requests.map(
      (r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'KEY')}`,
    );
    expect(paths.filter((p) => p.startsWith('POST /v1/ProfessionalSession'))).to.have.length(1);
    expect(paths).to.include('PUT /v1/ProfessionalSession/pro-xapi-session_KEY');
    await c.close();
    expect(sandbox.state.sessions.size).to.equal(0);
  });

  it('renews an expired session after a 401 and retries the call once', async () => {
    const auth = sessionAuth(
      {
        mode: 'session',
        asid: '200000000001',
        token: 'sso-token',
        businessFunction: 'REFERRING_CLINICIAN',
        odsCode: 'R69',
      },
      sandbox.url,
    );
    const c = new ErsClient({
      stu3Base: `${sandbox.url}/STU3/v1`,
      auth,
      requestsPerMinute: 60_000,
      timeoutMs: 2000,
    });
    await c.execute('A021', referral);
    sandbox.state.sessions.clear(); // the session expired on the e-RS side
    const again = await c.execute('A021', referral);
    expect(again.status).to.equal(201);
    expect(
      sandbox.state.requests.filter((r) => r.path === '/v1/ProfessionalSession'),
    ).to.have.length(2);
  });

  it('refuses invalid inputs without calling e-RS', async () => {
    const before = sandbox.state.requests.length;
    const error = await client()
      .execute('A021', { ...referral, nhsNumber: '9912003889' })
      .catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERS_INVALID_INPUT');
    expect(error).to.have.property('at', 'nhsNumber');
    expect(sandbox.state.requests.length).to.equal(before);
  });

  it('carries the eRS code, status and transaction id of a refusal, classed permanent', async () => {
    const error = await rejection(client().execute('A021', { ...referral, serviceIds: ['10000'] }));
    expect(error.code).to.equal('ERS_REJECTED');
    expect(error.retry).to.equal('permanent');
    expect(error.status).to.equal(422);
    expect(error.ersCodes).to.deep.equal(['INAPPROPRIATE_VALUE']);
    expect(error.transactionId).to.match(/-1$/);
  });

  it('classes 429 as transient and honours Retry-After', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ status: 429, retryAfterSeconds: 30 }] }),
    });
    const error = await rejection(client().execute('A021', referral));
    expect(error.code).to.equal('ERS_THROTTLED');
    expect(error.retry).to.equal('transient');
    expect(error.retryAfterMs! - Date.now()).to.be.within(25_000, 31_000);
  });

  it('never retries blindly when the connection drops after the request was applied', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ drop: 'after' }] }),
    });
    const error = await rejection(client().execute('A021', referral));
    expect(error.code).to.equal('ERS_OUTCOME_UNKNOWN');
    expect(error.retry).to.equal('ambiguous');
    // The referral exists: a blind retry would have made a second one.
    expect(sandbox.state.referrals.size).to.equal(1);
  });

  it('classes a timeout on a write as outcome unknown', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 800 }),
    });
    const error = await rejection(client(platform(), { timeoutMs: 200 }).execute('A021', referral));
    expect(error.code).to.equal('ERS_OUTCOME_UNKNOWN');
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  });

  it('classes an answer cut off mid-body as outcome unknown for a write and transient for a read', async () => {
    const cut: Server = createServer((req, res) => {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/fhir+json', 'content-length': '500' });
      res.write('{"resourceType":"ReferralRequest",');
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((r) => cut.listen(0, '127.0.0.1', r));
    const c = new ErsClient({
      stu3Base: `http://127.0.0.1:${(cut.address() as AddressInfo).port}/FHIR/STU3`,
      auth: platform(),
      requestsPerMinute: 60_000,
      timeoutMs: 2000,
    });
    try {
      const write = await rejection(c.execute('A021', referral));
      expect(write).to.include({ code: 'ERS_OUTCOME_UNKNOWN', retry: 'ambiguous' });
      const read = await rejection(c.execute('A005', { ubrn: '000000070000' }));
      expect(read).to.include({ code: 'ERS_UNAVAILABLE', retry: 'transient' });
    } finally {
      cut.closeAllConnections();
      await new Promise((r) => cut.close(r));
    }
  });

  it('classes a refused connection as transient: nothing was sent', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) =>
      closed.listen(0, '127.0.0.1', () => {
        r();
      }),
    );
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) =>
      closed.close(() => {
        r();
      }),
    );
    const c = new ErsClient({
      stu3Base: `http://127.0.0.1:${port}/FHIR/STU3`,
      auth: platform(),
      requestsPerMinute: 60_000,
      timeoutMs: 1000,
    });
    const error = await rejection(c.execute('A021', referral));
    expect(error.code).to.equal('ERS_UNAVAILABLE');
    expect(error.retry).to.equal('transient');
  });

  it('uploads a file, links it to the referral and writes one audit row per call', async () => {
    const c = client();
    const { output } = await c.execute('A021', referral);
    const ubrn = output['ubrn']!;
    const upload = await c.execute('A020', {
      fileName: 'letter.pdf',
      contentType: 'application/pdf',
      dataBase64: Buffer.from('%PDF-1.4 x').toString('base64'),
      ubrn,
    });
    expect(upload.output['attachmentUrl']).to.match(/^Binary\//);
    const linked = await c.execute('A012', {
      ubrn,
      version: output['version'],
      files: [{ url: upload.output['attachmentUrl'] }],
      indexed: '2026-11-25T09:00:00+00:00',
    });
    expect(linked.output['version']).to.equal('2');
    const audit = await store.listErsAudit({});
    expect(audit.slice(-3).map((a) => a.endpoint)).to.deep.equal(['A021', 'A020', 'A012']);
    expect(audit.at(-1)?.detail).to.deep.include({ eventType: 'POST', ubrn, httpStatus: 200 });
  });

  it('spaces calls to stay under the quota', async () => {
    const c = client(platform(), { requestsPerMinute: 600 });
    const started = Date.now();
    for (let i = 0; i < 4; i++)
      await c.execute('A005', { ubrn: '000000090000' }).catch(() => undefined);
    // 4 calls at 600/min need at least 3 gaps of 100 ms.
    expect(Date.now() - started).to.be.at.least(290);
  });
});
