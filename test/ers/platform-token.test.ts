import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErsClient } from '../../src/ers/client.js';
import { platformAuth, PRIVATE_KEY_ENV } from '../../src/ers/auth.js';
import { ErsError } from '../../src/ers/ers-error.js';
import { CLIENT_ASSERTION_TYPE } from '../../src/ers/platform-token.js';

const CLIENT_ID = 'ers-bridge-test-app';
const KID = 'test-1';

const pair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

const bodyOf = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      resolve(text);
    });
  });

/**
 * A real token endpoint (verifies the assertion's signature with the registered public key, as
 * the NHS platform does) and a protected e-RS read that accepts only tokens it issued.
 */
class PlatformDouble {
  server: Server = createServer((req, res) => {
    void this.handle(req).then(({ status, body }) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  exchanges = 0;
  valid = new Set<string>();
  calls: IncomingMessage['headers'][] = [];
  lastClaims: Record<string, unknown> = {};
  lastHeader: Record<string, unknown> = {};
  url = '';

  constructor(private readonly publicPem: string) {}

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (req.method === 'POST' && req.url === '/oauth2/token') {
      const form = new URLSearchParams(await bodyOf(req));
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE
      )
        return { status: 400, body: { error: 'invalid_request' } };
      // jose is ESM-only: imported dynamically (CONTRIBUTING.md).
      const { importSPKI, jwtVerify } = await import('jose');
      try {
        const verified = await jwtVerify(
          form.get('client_assertion') ?? '',
          await importSPKI(this.publicPem, 'RS512'),
          {
            issuer: CLIENT_ID,
            subject: CLIENT_ID,
            audience: `${this.url}/oauth2/token`,
            algorithms: ['RS512'],
          },
        );
        this.lastClaims = verified.payload;
        this.lastHeader = verified.protectedHeader;
      } catch (error) {
        return {
          status: 401,
          body: { error: 'invalid_request', error_description: (error as Error).message },
        };
      }
      this.exchanges++;
      const token = `token-${this.exchanges}`;
      this.valid.add(token);
      return {
        status: 200,
        body: { access_token: token, expires_in: '599', token_type: 'Bearer' },
      };
    }
    this.calls.push(req.headers);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!this.valid.has(bearer))
      return {
        status: 401,
        body: {
          resourceType: 'OperationOutcome',
          issue: [
            { severity: 'error', code: 'login', details: { coding: [{ code: 'NO_ACCESS' }] } },
          ],
        },
      };
    return {
      status: 200,
      body: { resourceType: 'ReferralRequest', id: '000000070000', meta: { versionId: '5' } },
    };
  }
}

describe('ers: platform auth with a signed JWT client assertion', () => {
  const keys = pair();
  let dir: string;
  let keyFile: string;
  let platform: PlatformDouble;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ers-jwt-'));
    keyFile = join(dir, 'private.pem');
    writeFileSync(keyFile, keys.privateKey, { mode: 0o600 });
    platform = new PlatformDouble(keys.publicKey);
    await platform.start();
  });
  after(async () => {
    await new Promise((r) => platform.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    platform.exchanges = 0;
    platform.valid.clear();
    platform.calls.length = 0;
  });

  const client = (
    extra: { clock?: () => number; env?: NodeJS.ProcessEnv; privateKeyFile?: string | null } = {},
  ) =>
    new ErsClient({
      stu3Base: `${platform.url}/FHIR/STU3`,
      auth: platformAuth(
        {
          mode: 'platform',
          clientId: CLIENT_ID,
          tokenUrl: `${platform.url}/oauth2/token`,
          keyId: KID,
          ...(extra.privateKeyFile === null
            ? {}
            : { privateKeyFile: extra.privateKeyFile ?? keyFile }),
          businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
          odsCode: 'R69',
        },
        {
          ...(extra.clock ? { clock: extra.clock } : {}),
          ...(extra.env ? { env: extra.env } : {}),
        },
      ),
      requestsPerMinute: 60_000,
      timeoutMs: 5000,
      ...(extra.clock ? { clock: extra.clock } : {}),
    });

  it('exchanges an assertion the token endpoint verifies with the public key, then calls with the bearer', async () => {
    const result = await client().execute('A005', { ubrn: '000000070000' });
    expect(result.status).to.equal(200);
    expect(platform.exchanges).to.equal(1);
    expect(platform.lastHeader).to.deep.include({ alg: 'RS512', kid: KID, typ: 'JWT' });
    expect(platform.lastClaims['jti']).to.be.a('string');
    expect(platform.calls[0]?.authorization).to.equal('Bearer token-1');
  });

  it('sends no business-function, ODS or on-behalf-of header on application-restricted calls', async () => {
    await client().execute('A005', { ubrn: '000000070000' });
    const headers = platform.calls[0]!;
    expect(headers).to.not.have.any.keys(
      'nhsd-ers-business-function',
      'nhsd-end-user-organisation-ods',
      'nhsd-ers-on-behalf-of-user-id',
    );
    expect(headers['x-correlation-id']).to.match(/^[0-9a-f-]{36}$/);
  });

  it('reuses the token until shortly before it expires, then exchanges a new assertion', async () => {
    let now = Date.now();
    const c = client({ clock: () => now });
    await c.execute('A005', { ubrn: '000000070000' });
    now += 500_000; // 599 s token: still well inside its life
    await c.execute('A005', { ubrn: '000000070000' });
    expect(platform.exchanges).to.equal(1);
    now += 80_000; // 19 s left: inside the 30 s renewal margin
    await c.execute('A005', { ubrn: '000000070000' });
    expect(platform.exchanges).to.equal(2);
    expect(platform.calls.at(-1)?.authorization).to.equal('Bearer token-2');
  });

  it('after a 401 exchanges a new token once and repeats the call once', async () => {
    const c = client();
    await c.execute('A005', { ubrn: '000000070000' });
    platform.valid.clear(); // the platform revoked the token before its expiry
    const again = await c.execute('A005', { ubrn: '000000070000' });
    expect(again.status).to.equal(200);
    expect(platform.exchanges).to.equal(2);
    expect(platform.calls.map((h) => h.authorization)).to.deep.equal([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('keeps a renewed token when a late 401 reports the old one', async () => {
    const auth = platformAuth(
      {
        mode: 'platform',
        clientId: CLIENT_ID,
        tokenUrl: `${platform.url}/oauth2/token`,
        keyId: KID,
        privateKeyFile: keyFile,
        businessFunction: 'SERVICE_PROVIDER_CLINICIAN',
        odsCode: 'R69',
      },
      {},
    );
    const first = await auth.headers();
    auth.invalidate(first); // a call with token-1 got a 401
    const renewed = await auth.headers();
    expect(renewed['Authorization']).to.equal('Bearer token-2');
    auth.invalidate(first); // another in-flight call with token-1 answers 401 later
    expect((await auth.headers())['Authorization']).to.equal('Bearer token-2');
    expect(platform.exchanges).to.equal(2);
  });

  it('reads the private key from the environment when no key file is configured', async () => {
    // As env files carry it: one line, literal \n separators.
    const oneLine = keys.privateKey.trim().replace(/\n/g, '\\n');
    const c = client({ privateKeyFile: null, env: { [PRIVATE_KEY_ENV]: oneLine } });
    const result = await c.execute('A005', { ubrn: '000000070000' });
    expect(result.status).to.equal(200);
  });

  it('fails as a retryable auth error, without calling e-RS, when the token endpoint refuses the key', async () => {
    const otherKey = join(dir, 'other.pem');
    writeFileSync(otherKey, pair().privateKey, { mode: 0o600 });
    const error = await client({ privateKeyFile: otherKey })
      .execute('A005', { ubrn: '000000070000' })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ErsError);
    expect(error).to.include({ code: 'ERS_AUTH_FAILED', retry: 'transient' });
    expect((error as Error).message).to.match(/token endpoint answered 401/);
    expect(platform.calls).to.have.length(0);
  });
});
