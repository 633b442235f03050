import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createLetterDestination } from '../../../src/destinations/letter/index.js';
import { EngineError } from '../../../src/core/errors.js';
import type { DestinationContext } from '../../../src/core/plugins.js';
import { platformAuth } from '../../../src/ers/auth.js';
import { ErsClient } from '../../../src/ers/client.js';
import { NOW } from '../../letters/pdf-text.js';

/** A real HTTP server in e-RS's place that misbehaves in the ways tests need. */
async function startFakeErs(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; ers: ErsClient }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const ers = new ErsClient({
    stu3Base: `http://127.0.0.1:${port}/FHIR/STU3`,
    auth: platformAuth({
      mode: 'platform',
      accessToken: 't',
      businessFunction: 'REFERRING_CLINICIAN',
      odsCode: 'R69',
    }),
    requestsPerMinute: 60_000,
    timeoutMs: 2000,
  });
  return { server, ers };
}

async function sendOnce(ers: ErsClient, dir: string): Promise<unknown> {
  const logger = pino({ level: 'silent' });
  const services = { ers } as unknown as DestinationContext['services'];
  const dest = createLetterDestination(
    { source: 'ers', folder: 'letters' },
    {
      channelId: 'c',
      configDir: resolve('.'),
      dataDir: dir,
      logger,
      services,
    },
  );
  const ctx = {
    channelId: 'c',
    logger,
    services,
    message: { id: 1, attempts: 1, raw: null },
    mapped: { kind: 'mapped', operation: 'A019', input: { ubrn: '000040001234' } },
    previous: {},
    now: NOW.getTime(),
    signal: new AbortController().signal,
  } as unknown as DestinationContext;
  return dest.send(ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('letter destination: when e-RS misbehaves on A019', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'letter-ers-'));
  });
  afterEach(async () => {
    if (server) await new Promise((r) => server?.close(r));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries an A019 whose answer never came, since generating a letter changes nothing', async () => {
    const fake = await startFakeErs((req) => {
      req.socket.destroy();
    });
    server = fake.server;
    const error = await sendOnce(fake.ers, dir);
    expect(error).to.be.instanceOf(EngineError);
    expect((error as EngineError).code).to.equal('ERS_OUTCOME_UNKNOWN');
    expect((error as EngineError).retry).to.equal('transient');
    // the e-RS client alone would have sent it for review
    expect(((error as EngineError).cause as EngineError).retry).to.equal('ambiguous');
  });

  it('fails with LETTER_ERS_NOT_PDF when A019 answers 200 with something that is not a PDF', async () => {
    const fake = await startFakeErs((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' }).end('<html>maintenance</html>');
    });
    server = fake.server;
    const error = await sendOnce(fake.ers, dir);
    expect((error as EngineError).code).to.equal('LETTER_ERS_NOT_PDF');
    expect((error as EngineError).retry).to.equal('transient');
  });
});
