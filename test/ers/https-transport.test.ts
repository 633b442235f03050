import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSandboxApp, type SandboxApp } from '../../src/sandbox/app.js';

const tls = (name: string): string =>
  fileURLToPath(new URL(`./support/tls/${name}`, import.meta.url));
const script = fileURLToPath(new URL('./support/https-call.ts', import.meta.url));

interface CallResult {
  readonly ubrns?: string[];
  readonly error?: { code: string; message: string };
}

/** The client in a child process: NODE_EXTRA_CA_CERTS is read when node starts, as in production. */
function callFromChild(base: string, calls: number, extraCa?: string): Promise<CallResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  delete env['NODE_TLS_REJECT_UNAUTHORIZED'];
  if (extraCa !== undefined) env['NODE_EXTRA_CA_CERTS'] = extraCa;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, base, String(calls)],
      { env, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${error.message}\n${stderr}`));
          return;
        }
        resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as CallResult);
      },
    );
  });
}

describe('ers: the client over HTTPS (the platform is HTTPS)', () => {
  let sandbox: SandboxApp;
  let server: Server;
  let base: string;
  let tlsConnections = 0;
  before(async () => {
    sandbox = createSandboxApp();
    server = createServer(
      {
        key: readFileSync(tls('localhost-key.pem')),
        cert: readFileSync(tls('localhost-cert.pem')),
      },
      sandbox.app,
    );
    server.on('secureConnection', () => tlsConnections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://localhost:${(server.address() as AddressInfo).port}/FHIR/STU3`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    tlsConnections = 0;
    sandbox.state.reset();
  });

  it('calls e-RS over TLS, trusting a CA from NODE_EXTRA_CA_CERTS, on one kept-alive connection', async () => {
    const result = await callFromChild(base, 3, tls('localhost-cert.pem'));
    expect(result.error).to.equal(undefined);
    expect(result.ubrns).to.have.length(3);
    for (const ubrn of result.ubrns ?? []) expect(ubrn).to.match(/^\d{12}$/);
    expect(sandbox.state.requests.map((r) => r.status)).to.deep.equal([201, 201, 201]);
    expect(tlsConnections, 'TLS handshakes for three calls').to.equal(1);
  });

  it('verifies the certificate: an untrusted one fails the call before any request is read', async () => {
    const result = await callFromChild(base, 1);
    expect(result.ubrns).to.equal(undefined);
    expect(result.error?.message).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    // Nothing reached e-RS, so the write is retried, not sent to review as outcome unknown.
    expect(result.error?.code).to.equal('ERS_UNAVAILABLE');
    expect(sandbox.state.requests).to.have.length(0);
  });
});
