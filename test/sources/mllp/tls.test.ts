import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { MllpClient } from '../../../src/destinations/mllp/index.js';
import { ackValue, adt, startSource, type RunningSource } from './support.js';

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate (openssl). */
function makeCertificates(
  dir: string,
): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const who of ['server', 'client']) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f(`${who}.key`),
      '-out',
      f(`${who}.csr`),
      '-subj',
      `/CN=${who}`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      f(`${who}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${who}.pem`),
      '-days',
      '1',
      '-extfile',
      f('san.ext'),
    );
  }
  return {
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}

describe('MLLP source over TLS', function () {
  this.timeout(30_000);
  let dir: string | undefined;
  let certs: ReturnType<typeof makeCertificates>;
  let src: RunningSource;

  before(function () {
    // CI images without openssl cannot make the throwaway certificates.
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ers-mllp-tls-'));
    certs = makeCertificates(dir);
  });
  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    src = await startSource({
      tls: {
        certFile: certs.serverCert,
        keyFile: certs.serverKey,
        caFile: certs.ca,
        requestClientCert: true,
      },
    });
  });
  afterEach(async () => {
    await src.close();
  });

  it('acknowledges a client that presents a certificate signed by the CA', async () => {
    const client = new MllpClient({
      host: '127.0.0.1',
      port: src.port,
      connectTimeoutMs: 5000,
      ackTimeoutMs: 5000,
      tls: {
        caFile: certs.ca,
        certFile: certs.clientCert,
        keyFile: certs.clientKey,
        rejectUnauthorized: true,
      },
    });
    try {
      const ack = await client.send(Buffer.from(adt('TLS1')));
      expect(ackValue(ack.toString('utf8'), 'MSA-2')).to.equal('TLS1');
    } finally {
      client.close();
    }
  });

  it('refuses a client without a certificate', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port: src.port, ca: readFileSync(certs.ca) });
      s.on('data', () => {
        resolve('answered');
      });
      s.on('error', () => {
        resolve('refused');
      });
      s.on('close', () => {
        resolve('refused');
      });
      s.on('secureConnect', () =>
        s.write(
          Buffer.concat([Buffer.from([0x0b]), Buffer.from(adt('TLS2')), Buffer.from([0x1c, 0x0d])]),
        ),
      );
    });
    expect(outcome).to.equal('refused');
  });
});
