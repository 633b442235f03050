import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTransport } from '../../src/ers/transport.js';

describe('ers: the HTTP transport of the client', () => {
  let server: Server;
  let base: string;
  let connections = 0;
  let hang = false;
  let delayMs = 0;
  beforeEach(async () => {
    connections = 0;
    hang = false;
    delayMs = 0;
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        if (hang) return;
        if (delayMs > 0) {
          setTimeout(() => res.end('{"late":true}'), delayMs);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', etag: 'W/"3"' });
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            body,
            length: req.headers['content-length'],
          }),
        );
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/FHIR/STU3`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends the method, path, headers and body, and reads status, headers and body', async () => {
    const http = new HttpTransport(base);
    try {
      const answer = await http.send({
        method: 'POST',
        url: `${base}/ReferralRequest?x=1`,
        headers: { Accept: 'application/fhir+json' },
        body: '{"a":"é"}',
        timeoutMs: 2000,
      });
      expect(answer.status).to.equal(200);
      expect(answer.ok).to.equal(true);
      expect(answer.header('etag')).to.equal('W/"3"');
      const echoed = JSON.parse((await answer.body()).toString('utf8')) as Record<string, string>;
      expect(echoed).to.deep.equal({
        method: 'POST',
        url: '/FHIR/STU3/ReferralRequest?x=1',
        body: '{"a":"é"}',
        length: '10',
      });
    } finally {
      http.close();
    }
  });

  it('keeps one connection for calls made one after another', async () => {
    const http = new HttpTransport(base);
    try {
      for (let i = 0; i < 5; i++) {
        const answer = await http.send({
          method: 'GET',
          url: `${base}/x`,
          headers: {},
          timeoutMs: 2000,
        });
        await answer.body();
      }
      expect(connections).to.equal(1);
    } finally {
      http.close();
    }
  });

  it('waits for an answer slower than the idle time after which a pooled socket is closed', async function () {
    this.timeout(20_000);
    delayMs = 4500; // IDLE_SOCKET_MS is 4000: that timer must not touch a socket in use
    const http = new HttpTransport(base);
    try {
      const answer = await http.send({
        method: 'POST',
        url: `${base}/x`,
        headers: {},
        body: '{}',
        timeoutMs: 10_000,
      });
      expect((await answer.body()).toString('utf8')).to.equal('{"late":true}');
    } finally {
      http.close();
    }
  });

  it('gives up after the timeout with a TimeoutError, and on the signal with an AbortError', async () => {
    hang = true;
    const http = new HttpTransport(base);
    try {
      const timedOut = await http
        .send({ method: 'POST', url: `${base}/x`, headers: {}, body: '{}', timeoutMs: 100 })
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(timedOut?.name).to.equal('TimeoutError');
      const controller = new AbortController();
      const call = http.send({
        method: 'GET',
        url: `${base}/x`,
        headers: {},
        timeoutMs: 5000,
        signal: controller.signal,
      });
      controller.abort();
      const aborted = await call.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(aborted?.name).to.equal('AbortError');
    } finally {
      http.close();
    }
  });
});
