/**
 * The replay of NHS's e-RS sandbox (test/support/nhs-replay) answers NHS's own example requests
 * as NHS's sandbox does, and refuses what NHS's sandbox refuses — so the end-to-end check against
 * it (nhs-sandbox-replay.test.ts) means what it would mean against NHS's hosted sandbox.
 */
import { expect } from 'chai';
import { contractFile, INDEX } from '../support/nhs-replay/contract.js';
import { startNhsReplay, type NhsReplay } from '../support/nhs-replay/server.js';

const ERS_SCENARIOS = INDEX.scenarios.filter((s) => s.path.startsWith('/FHIR/STU3/'));

async function call(
  replay: NhsReplay,
  init: { method: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<{ status: number; text: string; headers: Headers }> {
  const base = replay.baseUrl.replace(/\/FHIR$/, '');
  const response = await fetch(`${base}${init.path}`, {
    method: init.method,
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const pathOf = (s: (typeof ERS_SCENARIOS)[number]): string =>
  s.query && Object.keys(s.query).length > 0
    ? `${s.path}?${new URLSearchParams(s.query).toString()}`
    : s.path;

describe("replay of NHS's e-RS sandbox", () => {
  let replay: NhsReplay;
  before(async () => {
    replay = await startNhsReplay();
  });
  after(async () => {
    await replay.close();
  });

  it(`answers each of NHS's ${ERS_SCENARIOS.length} e-RS scenarios with its status and response`, async () => {
    const wrong: string[] = [];
    for (const s of ERS_SCENARIOS) {
      const r = await call(replay, {
        method: s.method,
        path: pathOf(s),
        headers: { ...s.exampleRequestHeaders },
        ...(s.requestBody ? { body: contractFile(s.requestBody) } : {}),
      });
      const expected = s.responseBody
        ? contractFile(s.responseBody).toString('utf8')
        : (s.responseBodyInline ?? '');
      if (r.status !== s.responseStatus || r.text !== expected)
        wrong.push(`${s.operation} ${s.scenario}: ${r.status}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it("refuses a body that differs from NHS's example in one array order with the operation's no-match answer", async () => {
    const file = 'mocks/createReferral/requests/RequestTwentyServices.json';
    const body = JSON.parse(contractFile(file).toString('utf8')) as { parameter: unknown[] };
    body.parameter.reverse();
    const headers = {
      'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
      'Content-Type': 'application/fhir+json',
    };
    const path = '/FHIR/STU3/ReferralRequest/$ers.createReferral';
    const refused = await call(replay, {
      method: 'POST',
      path,
      headers,
      body: JSON.stringify(body),
    });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.equal(
      contractFile('mocks/STU3-SandboxErrorOutcome.json').toString('utf8'),
    );
    body.parameter.reverse();
    const accepted = await call(replay, {
      method: 'POST',
      path: path.replace('$', '%24'),
      headers,
      body: JSON.stringify(body),
    });
    expect(accepted.status).to.equal(201);
  });

  it("applies NHS's business-function rules before the body", async () => {
    const path = '/FHIR/STU3/ReferralRequest/000000070000/$ers.acceptReferral';
    const rc = await call(replay, {
      method: 'POST',
      path,
      headers: { 'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN' },
    });
    expect(rc.status).to.equal(403);
    expect(rc.text).to.match(/^SANDBOX_ERROR: This endpoint cannot be accessed/);
    const spca = await call(replay, {
      method: 'POST',
      path,
      headers: { 'NHSD-eRS-Business-Function': 'SERVICE_PROVIDER_CLINICIAN_ADMIN' },
    });
    expect(spca.status).to.equal(403);
    const spcWithObo = await call(replay, {
      method: 'POST',
      path,
      headers: {
        'NHSD-eRS-Business-Function': 'SERVICE_PROVIDER_CLINICIAN',
        'NHSD-eRS-On-Behalf-Of-User-ID': '1',
      },
    });
    expect(spcWithObo.status).to.equal(403);
    const other = await call(replay, {
      method: 'POST',
      path: path.replace('70000', '70001'),
      headers: { 'NHSD-eRS-Business-Function': 'SERVICE_PROVIDER_CLINICIAN' },
    });
    expect(other.status).to.equal(422);
    // A011 under REFERRING_CLINICIAN_ADMIN is compared with the RCA examples only.
    const rca = await call(replay, {
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.createReferral',
      headers: {
        'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN_ADMIN',
        'Content-Type': 'application/fhir+json',
      },
      body: contractFile('mocks/createReferral/requests/MinimalRequest.json'),
    });
    expect(rca.status).to.equal(422);
  });

  it('A020: needs a file name, a referral id and a listed Content-Type', async () => {
    const headers = {
      'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
      'Content-Type': 'application/pdf',
      'NHSD-eRS-File-Name': 'letter.pdf',
      'NHSD-eRS-Referral-ID': '000000070000',
    };
    const path = '/FHIR/STU3/Binary';
    expect((await call(replay, { method: 'POST', path, headers, body: 'x' })).status).to.equal(201);
    const { 'NHSD-eRS-Referral-ID': _omitted, ...noReferral } = headers;
    expect(
      (await call(replay, { method: 'POST', path, headers: noReferral, body: 'x' })).status,
    ).to.equal(422);
    const octet = { ...headers, 'Content-Type': 'application/octet-stream' };
    expect(
      (await call(replay, { method: 'POST', path, headers: octet, body: 'x' })).status,
    ).to.equal(415);
  });

  it("hapi's payload checks (415, invalid JSON 400) come before the business-function check", async () => {
    const wrongRole = { 'NHSD-eRS-Business-Function': 'SERVICE_PROVIDER_CLINICIAN' };
    const upload = await call(replay, {
      method: 'POST',
      path: '/FHIR/STU3/Binary',
      headers: {
        'NHSD-eRS-Business-Function': 'REFERRING_ADMIN',
        'Content-Type': 'application/zip',
      },
      body: 'x',
    });
    expect(upload.status).to.equal(415);
    const create = await call(replay, {
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.createReferral',
      headers: { ...wrongRole, 'Content-Type': 'application/fhir+json' },
      body: '{not json',
    });
    expect(create.status).to.equal(400);
    const valid = await call(replay, {
      method: 'POST',
      path: '/FHIR/STU3/ReferralRequest/$ers.createReferral',
      headers: { ...wrongRole, 'Content-Type': 'application/fhir+json' },
      body: '{}',
    });
    expect(valid.status).to.equal(403);
  });

  it('A015: other query parameters are not read; a different _count is refused with 400', async () => {
    const q = 'schedule.actor:HealthcareService=12000&appointmentType=ROUTINE&status=free&page=1';
    const headers = { 'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN' };
    const ok = await call(replay, {
      method: 'GET',
      path: `/FHIR/STU3/Slot?${q}&_count=20&_include=Schedule:actor`,
      headers,
    });
    expect(ok.status).to.equal(200);
    const refused = await call(replay, {
      method: 'GET',
      path: `/FHIR/STU3/Slot?${q}&_count=100`,
      headers,
    });
    expect(refused.status).to.equal(400);
  });
});
