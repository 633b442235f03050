/**
 * ref-i12-a011-triage (A011 create, then A016 TRIAGE deferral) has no NHS example to be compared
 * with: NHS's A011 examples never shortlist a single triage service, and its TRIAGE deferral is
 * for service 50001 at _history/6. What can be held to NHS is its spec: the shipped sample goes
 * through the shipped channel to a recording server that answers with NHS's own example responses
 * (ReferralRequest.json, Unbooked.json, TriageDeferral.json), and every request the engine sent
 * — A011, the A005 version read, A016 — must be valid against NHS's OpenAPI spec (ajv).
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHarness, type Harness } from '../../support/engine-harness.js';
import { copyMappings, send } from '../../mapping/e2e-support.js';
import { channelFor, finalStatus, SAMPLES } from '../../mapping/shipped-samples.js';
import { contractFile, type Captured } from './capture.js';
import { loadSpec, RequestValidator } from './openapi.js';

const ANSWERS: readonly [RegExp, number, string, string | undefined][] = [
  [/\$ers\.createReferral$/, 201, 'createReferral/responses/ReferralRequest.json', undefined],
  [/ReferralRequest\/000000070000$/, 200, 'retrieveReferralRequest/responses/Unbooked.json', '5'],
  [/\/Appointment$/, 201, 'bookOrDeferAppointment/responses/TriageDeferral.json', '1'],
];

async function recorder(): Promise<{ url: string; requests: Captured[]; server: Server }> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = (req.url ?? '').replace(/^\/referrals/, '');
      requests.push({
        method: req.method ?? '',
        url,
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const path = decodeURIComponent(new URL(url, 'http://x').pathname);
      const hit = ANSWERS.find(([re]) => re.test(path));
      if (hit === undefined) {
        res.writeHead(404).end();
        return;
      }
      const [, status, file, etag] = hit;
      res.writeHead(status, {
        'Content-Type': 'application/fhir+json',
        ...(etag ? { ETag: `W/"${etag}"` } : {}),
      });
      res.end(contractFile(`mocks/${file}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/referrals/FHIR`, requests, server };
}

describe('ref-i12-a011-triage: no NHS example, so its requests are held to the OpenAPI spec', function () {
  this.timeout(60_000);
  let h: Harness;
  let rec: Awaited<ReturnType<typeof recorder>>;
  beforeEach(async () => {
    h = createHarness();
    copyMappings(h);
    rec = await recorder();
  });
  afterEach(async () => {
    await h.cleanup();
    await new Promise((resolve) => rec.server.close(resolve));
  });

  it('sends A011, A005 and A016 TRIAGE, each valid against the spec', async () => {
    const validator = new RequestValidator(await loadSpec());
    h.writeChannel('pas-inbound.yaml', channelFor('ref-i12-a011-triage/input.hl7'));
    const running = await h.start(
      `ers: { baseUrl: '${rec.url}', codeSystemBase: _baseUrl_, auth: { mode: platform, accessToken: t, businessFunction: REFERRING_CLINICIAN, odsCode: R69 } }`,
    );
    const text = readFileSync(join(SAMPLES, 'ref-i12-a011-triage', 'input.hl7'), 'utf8');
    await send(running, text.replace('|AL|NE|', '|AL|AL|'));
    expect(await finalStatus(running, 1)).to.deep.equal(['SENT']);
    const sent = rec.requests.map((r) => `${r.method} ${decodeURIComponent(r.url)}`);
    expect(sent).to.deep.equal([
      'POST /FHIR/STU3/ReferralRequest/$ers.createReferral',
      'GET /FHIR/STU3/ReferralRequest/000000070000',
      'POST /FHIR/STU3/Appointment',
    ]);
    const problems = rec.requests.flatMap((r) =>
      validator.problems(r).map((p) => `${r.method} ${r.url}: ${p}`),
    );
    expect(problems).to.deep.equal([]);
    const a016 = JSON.parse(rec.requests[2]!.body.toString('utf8')) as {
      reason: { coding: { code: string }[] }[];
      incomingReferral: { reference: string }[];
    };
    expect(a016.reason[0]?.coding[0]?.code).to.equal('TRIAGE');
    expect(a016.incomingReferral[0]?.reference).to.equal('ReferralRequest/000000070000/_history/5');
  });

  it('the validator catches a broken A016 (not blind)', async () => {
    const validator = new RequestValidator(await loadSpec());
    const body = Buffer.from(JSON.stringify({ resourceType: 'Appointment', status: 42 }));
    const problems = validator.problems({
      method: 'POST',
      url: '/FHIR/STU3/Appointment',
      headers: { 'content-type': 'application/fhir+json' },
      body,
    });
    expect(problems.length).to.be.greaterThan(0);
  });
});
