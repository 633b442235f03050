/**
 * Cancelling a directly booked appointment the platform's way (A005 → A038 → A034), against a
 * real HTTP server answering with NHS's own responses; the A034 sent must be valid per the spec.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { cancelBookedAppointment } from '../../src/ers/flows/index.js';
import { contractFile, type Captured } from './contract/capture.js';
import { contractClient } from './contract/harness.js';
import { loadSpec, RequestValidator } from './contract/openapi.js';

const ANSWERS: Record<string, string> = {
  'GET /FHIR/STU3/ReferralRequest/': 'mocks/retrieveReferralRequest/responses/BookedDBS.json',
  'GET /FHIR/STU3/Appointment/': 'mocks/retrieveAppointment/responses/BookedDBS.json',
  'PUT /FHIR/STU3/Appointment/':
    'mocks/updateAppointment/responses/MinimalCancellationReasonOnlyCommentNotMandatory.json',
};

describe('ers flows: cancel a directly booked appointment (A005 → A038 → A034)', () => {
  let server: Server;
  let url = '';
  const seen: Captured[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        const key = Object.keys(ANSWERS).find((k) =>
          `${req.method ?? ''} ${req.url ?? ''}`.startsWith(k),
        );
        res.writeHead(key ? 200 : 404, { 'Content-Type': 'application/fhir+json' });
        res.end(key ? contractFile(ANSWERS[key] ?? '') : '{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  });

  it('reads the appointment the referral names and puts it back cancelled, valid per the spec', async () => {
    const client = contractClient(url, undefined);
    const result = await cancelBookedAppointment(client, {
      ubrn: '000000070001',
      reason: 'PATIENT_ILL',
    });
    await client.close();
    expect(result.status).to.equal(200);
    expect(seen.map((c) => `${c.method} ${c.url}`)).to.deep.equal([
      'GET /FHIR/STU3/ReferralRequest/000000070001',
      'GET /FHIR/STU3/Appointment/70009',
      'PUT /FHIR/STU3/Appointment/70000',
    ]);
    const put = seen[2];
    if (put === undefined) throw new Error('no A034');
    const body = JSON.parse(put.body.toString('utf8')) as Record<string, unknown>;
    expect(body).to.deep.include({ id: '70000', status: 'cancelled' });
    expect(new RequestValidator(await loadSpec()).problems(put)).to.deep.equal([]);
  });
});
