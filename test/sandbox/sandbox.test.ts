import { expect } from 'chai';
import type { Client as FhirClient } from 'fhir-kit-client';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { officialExample, shapeOf } from '../support/fhir-shape.js';

const PLATFORM = (businessFunction: string) => ({
  Authorization: 'Bearer test-token',
  'NHSD-eRS-Business-Function': businessFunction,
  'NHSD-End-User-Organisation-ODS': 'R69',
});

interface FhirKitError {
  response?: {
    status: number;
    data: { issue?: { code: string; details: { coding: { code: string }[] } }[] };
  };
}
async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; code: string | undefined; issueCode: string | undefined }> {
  try {
    await p;
  } catch (error) {
    const r = (error as FhirKitError).response;
    return {
      status: r?.status ?? 0,
      code: r?.data.issue?.[0]?.details.coding[0]?.code,
      issueCode: r?.data.issue?.[0]?.code,
    };
  }
  throw new Error('expected the call to fail');
}

describe('sandbox: e-RS simulator driven by fhir-kit-client', () => {
  let sandbox: RunningSandbox;
  let referrer: FhirClient;
  let provider: FhirClient;
  // fhir-kit-client is ESM-only and test files load as CommonJS: import it dynamically.
  let Client: typeof FhirClient;
  before(async () => {
    ({ Client } = await import('fhir-kit-client'));
    sandbox = await startSandbox({ port: 0 });
    referrer = new Client({
      baseUrl: `${sandbox.url}/FHIR/STU3`,
      customHeaders: PLATFORM('REFERRING_CLINICIAN'),
    });
    provider = new Client({
      baseUrl: `${sandbox.url}/FHIR/STU3`,
      customHeaders: PLATFORM('SERVICE_PROVIDER_CLINICIAN'),
    });
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.state.reset();
  });

  const createTriage = () =>
    referrer.operation({
      name: '$ers.createReferralAndSendForTriage',
      resourceType: 'ReferralRequest',
      input: officialExample('A021_Request.json') as never,
    }) as Promise<Record<string, unknown>>;

  it('accepts the official A021 example and answers in the shape of the official response', async () => {
    const created = await createTriage();
    expect(created['id']).to.match(/^\d{12}$/);
    const official = shapeOf(officialExample('A021_Response.json'));
    const ours = shapeOf(created);
    expect(ours.profiles).to.include.members(official.profiles);
    expect(ours.paths).to.include.members(official.paths);
    expect(ours.systems).to.include.members(official.systems);
  });

  it('accepts the official A011 example for a directly bookable service', async () => {
    const created = (await referrer.operation({
      name: '$ers.createReferral',
      resourceType: 'ReferralRequest',
      input: officialExample('A011_Request.json') as never,
    })) as Record<string, unknown>;
    const read = (await referrer.read({
      resourceType: 'ReferralRequest',
      id: String(created['id']),
    })) as unknown as {
      extension: { url: string; extension?: { valueCoding: { code: string } }[] }[];
    };
    const state = read.extension.find((e) => e.url.endsWith('Extension-eRS-ReferralState-1'))
      ?.extension?.[0]?.valueCoding.code;
    expect(state).to.equal('NOT_BOOKED');
  });

  it('refuses a caller without a bearer token (401 NO_ACCESS) and one without context headers (400)', async () => {
    const anonymous = new Client({ baseUrl: `${sandbox.url}/FHIR/STU3` });
    expect(
      await failure(anonymous.read({ resourceType: 'ReferralRequest', id: '000000090000' })),
    ).to.deep.include({ status: 401, code: 'NO_ACCESS' });
    const noOds = new Client({
      baseUrl: `${sandbox.url}/FHIR/STU3`,
      customHeaders: {
        Authorization: 'Bearer x',
        'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
      },
    });
    expect(
      await failure(noOds.read({ resourceType: 'ReferralRequest', id: '000000090000' })),
    ).to.deep.include({ status: 400, code: 'MISSING_HEADER' });
  });

  it('refuses an endpoint to a business function not allowed on it (403 FORBIDDEN)', async () => {
    const result = await failure(
      provider.operation({
        name: '$ers.createReferralAndSendForTriage',
        resourceType: 'ReferralRequest',
        input: officialExample('A021_Request.json') as never,
      }),
    );
    expect(result).to.deep.include({ status: 403, code: 'FORBIDDEN', issueCode: 'forbidden' });
  });

  it('answers validation failures with the documented codes', async () => {
    const body = officialExample('A021_Request.json') as {
      parameter: { name: string; valueIdentifier?: { value: string } }[];
    };
    body.parameter[0]!.valueIdentifier!.value = '9434765919';
    expect(
      await failure(
        referrer.operation({
          name: '$ers.createReferralAndSendForTriage',
          resourceType: 'ReferralRequest',
          input: body as never,
        }),
      ),
    ).to.deep.include({ status: 422, code: 'REFERENCE_NOT_FOUND' });
    const missing = { ...body, parameter: body.parameter.slice(1) };
    expect(
      await failure(
        referrer.operation({
          name: '$ers.createReferralAndSendForTriage',
          resourceType: 'ReferralRequest',
          input: missing as never,
        }),
      ),
    ).to.deep.include({ status: 422, code: 'MISSING_VALUE', issueCode: 'required' });
    const direct = officialExample('A011_Request.json');
    (direct as { meta: { profile: string[] } }).meta.profile = [
      'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateReferralAndSendForTriage-Parameters-1',
    ];
    expect(
      await failure(
        referrer.operation({
          name: '$ers.createReferralAndSendForTriage',
          resourceType: 'ReferralRequest',
          input: direct as never,
        }),
      ),
    ).to.deep.include({ status: 422, code: 'INAPPROPRIATE_VALUE' });
  });

  it('accepts a referral awaiting triage once, then refuses the state change (INVALID_REQUEST_STATE)', async () => {
    const created = await createTriage();
    const ubrn = String(created['id']);
    const accept = (version: string) =>
      provider.operation({
        name: '$ers.acceptReferral',
        resourceType: 'ReferralRequest',
        id: ubrn,
        options: { headers: { 'If-Match': `W/"${version}"` } },
      }) as unknown as Promise<{ meta: { versionId: string } }>;
    const accepted = await accept('1');
    expect(accepted.meta.versionId).to.equal('2');
    expect(await failure(accept('1'))).to.deep.include({ status: 409, code: 'VERSION_CONFLICT' });
    expect(await failure(accept('2'))).to.deep.include({
      status: 422,
      code: 'INVALID_REQUEST_STATE',
    });
  });

  it('rejects a referral awaiting triage with the official A014 body', async () => {
    const ubrn = String((await createTriage())['id']);
    const rejected = (await provider.operation({
      name: '$ers.rejectReferral',
      resourceType: 'ReferralRequest',
      id: ubrn,
      input: officialExample('A014_Request_IBS.json') as never,
      options: { headers: { 'If-Match': 'W/"1"' } },
    })) as unknown as { extension: { extension?: { valueCoding: { code: string } }[] }[] };
    expect(JSON.stringify(rejected.extension)).to.include('REJECTED');
  });

  it('uploads a file (A020) and links only unlinked uploads of that UBRN (A012)', async () => {
    const ubrn = String((await createTriage())['id']);
    const headers = {
      ...PLATFORM('REFERRING_CLINICIAN'),
      'Content-Type': 'application/pdf',
      'NHSD-eRS-File-Name': 'letter.pdf',
      'NHSD-eRS-Referral-ID': ubrn,
    };
    // Binary bodies go through fetch: fhir-kit-client corrupts Buffer uploads (docs/decisions).
    const upload = await fetch(`${sandbox.url}/FHIR/STU3/Binary`, {
      method: 'POST',
      headers,
      body: Buffer.from('%PDF-1.4 test'),
    });
    expect(upload.status).to.equal(201);
    const url = upload.headers.get('location') ?? '';
    expect(url).to.match(/^Binary\//);
    const link = (version: string) => {
      const body = officialExample('A012_Request.json') as {
        parameter: { resource: { content: { attachment: { url: string } }[] } }[];
      };
      body.parameter[0]!.resource.content[0]!.attachment.url = url;
      return referrer.operation({
        name: '$ers.maintainReferralLetter',
        resourceType: 'ReferralRequest',
        id: ubrn,
        input: body as never,
        options: { headers: { 'If-Match': `W/"${version}"` } },
      });
    };
    await link('1');
    expect(await failure(link('2'))).to.deep.include({ status: 422, code: 'NO_CHANGES_DETECTED' });
    const wrongType = await fetch(`${sandbox.url}/FHIR/STU3/Binary`, {
      method: 'POST',
      headers: { ...headers, 'NHSD-eRS-File-Name': 'letter.exe' },
      body: Buffer.from('x'),
    });
    expect(wrongType.status).to.equal(422);
    const empty = await fetch(`${sandbox.url}/FHIR/STU3/Binary`, {
      method: 'POST',
      headers,
      body: Buffer.alloc(0),
    });
    expect(
      ((await empty.json()) as { issue: { details: { coding: { code: string }[] } }[] }).issue[0]
        ?.details.coding[0]?.code,
    ).to.equal('FILE_SIZE_ERROR');
  });

  it('serves the classic surface after A001 and A002, and closes the session with A003', async () => {
    const json = { 'Content-Type': 'application/json', XAPI_ASID: '200000000001' };
    const created = await fetch(`${sandbox.url}/v1/ProfessionalSession`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(officialExample('A001_Request.json')),
    });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: string };
    const classic = new Client({
      baseUrl: `${sandbox.url}/STU3/v1`,
      customHeaders: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: id },
    });
    expect(
      await failure(classic.read({ resourceType: 'ReferralRequest', id: '000000090000' })),
    ).to.deep.include({ status: 403, code: 'NO_ACCESS' });
    const select = await fetch(`${sandbox.url}/v1/ProfessionalSession/${id}`, {
      method: 'PUT',
      headers: { ...json, HTTP_X_SESSION_KEY: id },
      body: JSON.stringify({
        typeInfo: 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession',
        token: 't',
        permission: { businessFunction: 'REFERRING_CLINICIAN', orgIdentifier: 'R69' },
      }),
    });
    expect(select.status).to.equal(200);
    const ubrn = String((await createTriage())['id']);
    expect(
      (
        (await classic.read({ resourceType: 'ReferralRequest', id: ubrn })) as unknown as {
          id: string;
        }
      ).id,
    ).to.equal(ubrn);
    expect(
      (
        await fetch(`${sandbox.url}/v1/ProfessionalSession/${id}`, {
          method: 'DELETE',
          headers: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: id },
        })
      ).status,
    ).to.equal(204);
    expect(
      await failure(classic.read({ resourceType: 'ReferralRequest', id: ubrn })),
    ).to.deep.include({ status: 401 });
  });

  it('injects 429 with Retry-After and records every request for inspection', async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ status: 429, retryAfterSeconds: 3 }] }),
    });
    const res = await fetch(`${sandbox.url}/FHIR/STU3/ReferralRequest/000000090000`, {
      headers: PLATFORM('REFERRING_CLINICIAN'),
    });
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.equal('3');
    const requests = (await (await fetch(`${sandbox.url}/_sandbox/requests`)).json()) as {
      path: string;
      status: number;
      headers: Record<string, string>;
    }[];
    expect(requests.at(-1)).to.deep.include({
      path: '/FHIR/STU3/ReferralRequest/000000090000',
      status: 429,
    });
    expect(requests.at(-1)?.headers).to.not.have.property('authorization');
  });
});
