import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { PLATFORM, ersCode, failure, useSandbox } from './support.js';
import { REQUEST_LOG_LIMIT, SandboxState } from '../../src/sandbox/state.js';
import { DEFAULT_SEED } from '../../src/sandbox/seed.js';

describe('sandbox: transport, faults, inspection and retired endpoints', () => {
  const h = useSandbox();
  const faults = (body: unknown) =>
    fetch(`${h.sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const read = () =>
    fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/000000098888`, {
      headers: { ...PLATFORM('REFERRING_CLINICIAN'), 'X-Correlation-ID': 'corr-1' },
    });
  afterEach(() => faults({}));

  it('answers with a transaction id in both header spellings and echoes the correlation id', async () => {
    const res = await read();
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}-1$/);
    expect(res.headers.get('x_ers_transaction_id')).to.equal(res.headers.get('x-request-id'));
    expect(res.headers.get('x-correlation-id')).to.equal('corr-1');
  });

  it('injects 429 with Retry-After and 500/503, then answers normally', async () => {
    await faults({ failNext: [{ status: 429, retryAfterSeconds: 3 }, { status: 503 }] });
    const throttled = await read();
    expect([throttled.status, throttled.headers.get('retry-after')]).to.deep.equal([429, '3']);
    expect((await read()).status).to.equal(503);
    expect((await read()).status).to.equal(200);
  });

  it('injects an eRS error code as an OperationOutcome (PAS_NOT_RESPONDING 504)', async () => {
    await faults({
      failNext: [{ status: 504, code: 'PAS_NOT_RESPONDING' }, { code: 'PATIENT_ERROR' }],
    });
    const pas = await read();
    expect([pas.status, await ersCode(pas)]).to.deep.equal([504, 'PAS_NOT_RESPONDING']);
    const patient = await read();
    expect([patient.status, await ersCode(patient)]).to.deep.equal([422, 'PATIENT_ERROR']);
  });

  it('drops the connection before applying a request, or after applying it', async () => {
    const create = () =>
      h.referrer.operation({
        name: '$ers.createReferralAndSendForTriage',
        resourceType: 'ReferralRequest',
        input: officialExample('A021_Request.json') as never,
      });
    await faults({ failNext: [{ drop: 'before' }] });
    expect((await failure(create())).status).to.equal(0);
    expect(h.sandbox.state.referrals.size).to.equal(10);
    await faults({ failNext: [{ drop: 'after' }] });
    expect((await failure(create())).status).to.equal(0);
    expect(h.sandbox.state.referrals.size).to.equal(11);
    // The applied-then-dropped request is in the log, marked as never answered.
    const last = h.sandbox.state.requests.at(-1);
    expect(last?.url).to.equal('/FHIR/STU3/ReferralRequest/$ers.createReferralAndSendForTriage');
    expect(last?.dropped).to.equal(true);
  });

  it('enforces the per-application quota with 429 and an empty body', async () => {
    await faults({ quotaPerMinute: 2 });
    expect((await read()).status).to.equal(200);
    expect((await read()).status).to.equal(200);
    const over = await read();
    expect(over.status).to.equal(429);
    expect(await over.text()).to.equal('');
  });

  it('lists the requests received, without credentials, and the state', async () => {
    await read();
    const requests = (await (await fetch(`${h.sandbox.url}/_sandbox/requests`)).json()) as {
      path: string;
      status: number;
      headers: Record<string, string>;
    }[];
    expect(requests.at(-1)).to.deep.include({
      url: '/FHIR/STU3/ReferralRequest/000000098888',
      status: 200,
    });
    expect(requests.at(-1)?.headers).to.not.have.property('authorization');
    const state = (await (await fetch(`${h.sandbox.url}/_sandbox/state`)).json()) as {
      referrals: unknown[];
      adviceRequests: unknown[];
    };
    expect(state.referrals).to.have.length(10);
    expect(state.adviceRequests).to.have.length(4);
  });

  it('locks and unlocks a request through the knob (423 REFERRAL_LOCKED while locked)', async () => {
    const lock = (locked: boolean) =>
      fetch(`${h.sandbox.url}/_sandbox/locks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ubrn: '000000097366', locked }),
      });
    const accept = () =>
      fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/000000097366/$ers.acceptReferral`, {
        method: 'POST',
        headers: { ...PLATFORM('SERVICE_PROVIDER_CLINICIAN'), 'If-Match': 'W/"5"' },
      });
    await lock(true);
    const locked = await accept();
    expect([locked.status, await ersCode(locked)]).to.deep.equal([423, 'REFERRAL_LOCKED']);
    await lock(false);
    expect((await accept()).status).to.equal(200);
    const bad = await fetch(`${h.sandbox.url}/_sandbox/locks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).to.equal(400);
  });

  it('says that DSTU2 endpoints are deprecated (410) and names the retired ones in its 404', async () => {
    const dstu2 = await fetch(`${h.sandbox.url}/v1/ValueSet/SPECIALTY`);
    expect(dstu2.status).to.equal(410);
    expect(JSON.stringify(await dstu2.json())).to.match(/deprecated.*CodeSystem/);
    const unknown = await fetch(`${h.sandbox.url}/FHIR/STU3/HealthcareService`, {
      headers: PLATFORM('REFERRING_CLINICIAN'),
    });
    expect(unknown.status).to.equal(404);
    expect(JSON.stringify(await unknown.json())).to.match(/A009.*retired/);
  });

  it('marks A021 deprecated on the platform paths only', async () => {
    const created = await h.referrer.operation({
      name: '$ers.createReferralAndSendForTriage',
      resourceType: 'ReferralRequest',
      input: officialExample('A021_Request.json') as never,
    });
    expect(h.Client.httpFor(created).response?.headers.get('warning')).to.match(
      /A021 is deprecated/,
    );
  });

  it('answers a body that is not JSON with 400 INVALID_FHIR_STRUCTURE', async () => {
    const res = await fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/$ers.createReferral`, {
      method: 'POST',
      headers: { ...PLATFORM('REFERRING_CLINICIAN'), 'Content-Type': 'application/fhir+json' },
      body: '{"resourceType": Parameters',
    });
    expect([res.status, await ersCode(res)]).to.deep.equal([400, 'INVALID_FHIR_STRUCTURE']);
  });

  it('keeps the newest requests in its log, never more than REQUEST_LOG_LIMIT and a tenth', () => {
    const state = new SandboxState(DEFAULT_SEED);
    const entry = (n: number) => ({
      at: '',
      method: 'GET',
      path: `/${n}`,
      url: `/${n}`,
      status: 200,
      headers: {},
      body: {},
    });
    const total = REQUEST_LOG_LIMIT * 2 + 7;
    let longest = 0;
    for (let n = 1; n <= total; n++) {
      state.logRequest(entry(n));
      longest = Math.max(longest, state.requests.length);
    }
    expect(longest).to.be.at.most(REQUEST_LOG_LIMIT * 1.1);
    expect(state.requests.at(-1)?.path).to.equal(`/${total}`);
    const first = Number(state.requests[0]?.path.slice(1));
    expect(state.requests.map((r) => Number(r.path.slice(1)))).to.deep.equal(
      Array.from({ length: total - first + 1 }, (_, i) => first + i),
    );
  });
});
