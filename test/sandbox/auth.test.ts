import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { rejects, useSandbox } from './support.js';

const TYPE_INFO = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';

describe('sandbox: who may call (platform headers, classic sessions A001–A003)', () => {
  const h = useSandbox();
  const read = (client: ReturnType<typeof h.as>) =>
    client.read({ resourceType: 'ReferralRequest', id: '000000098888' });

  it('refuses a platform call without a bearer token (401 NO_ACCESS)', async () => {
    await rejects(read(new h.Client({ baseUrl: `${h.sandbox.url}/FHIR/STU3` })), 401, 'NO_ACCESS');
  });

  it('refuses a platform call without its context headers (400 MISSING_HEADER)', async () => {
    const noOds = new h.Client({
      baseUrl: `${h.sandbox.url}/FHIR/STU3`,
      customHeaders: {
        Authorization: 'Bearer x',
        'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
      },
    });
    await rejects(read(noOds), 400, 'MISSING_HEADER');
    const noRole = new h.Client({
      baseUrl: `${h.sandbox.url}/FHIR/STU3`,
      customHeaders: { Authorization: 'Bearer x', 'NHSD-End-User-Organisation-ODS': 'R69' },
    });
    await rejects(read(noRole), 400, 'MISSING_HEADER');
  });

  it('refuses application business functions and misused on-behalf-of on user calls (403 NO_ACCESS)', async () => {
    await rejects(read(h.as('PROVIDER_AUTHORISED_APPLICATION')), 403, 'NO_ACCESS');
    await rejects(read(h.as('SERVICE_PROVIDER_CLINICIAN_ADMIN')), 403, 'NO_ACCESS');
    await rejects(
      read(h.as('REFERRING_CLINICIAN', { 'NHSD-eRS-On-Behalf-Of-User-ID': '021600556514' })),
      403,
      'NO_ACCESS',
    );
    const spca = h.as('SERVICE_PROVIDER_CLINICIAN_ADMIN', {
      'NHSD-eRS-On-Behalf-Of-User-ID': '021600556514',
    });
    expect((await read(spca)).id).to.equal('000000098888');
  });

  it('refuses an endpoint to a business function the catalogue does not allow (403 FORBIDDEN)', async () => {
    await rejects(
      h.provider.operation({
        name: '$ers.createReferralAndSendForTriage',
        resourceType: 'ReferralRequest',
        input: officialExample('A021_Request.json') as never,
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('serves the classic surface after A001 and A002, and ends the session with A003', async () => {
    const json = { 'Content-Type': 'application/json', XAPI_ASID: '200000000001' };
    const created = await fetch(`${h.sandbox.url}/v1/ProfessionalSession`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(officialExample('A001_Request.json')),
    });
    expect(created.status).to.equal(201);
    const { id, permission } = (await created.json()) as { id: string; permission: unknown };
    expect(id).to.match(/^pro-xapi-session_/);
    expect(permission).to.equal(null);
    const classic = new h.Client({
      baseUrl: `${h.sandbox.url}/STU3/v1`,
      customHeaders: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: id },
    });
    await rejects(read(classic), 403, 'NO_ACCESS');
    const select = await fetch(`${h.sandbox.url}/v1/ProfessionalSession/${id}`, {
      method: 'PUT',
      headers: { ...json, HTTP_X_SESSION_KEY: id },
      body: JSON.stringify({
        typeInfo: TYPE_INFO,
        token: 't',
        permission: { businessFunction: 'SERVICE_PROVIDER_CLINICIAN', orgIdentifier: 'R01' },
      }),
    });
    expect(select.status).to.equal(200);
    expect((await read(classic)).id).to.equal('000000098888');
    const advice = await classic.read({ resourceType: 'CommunicationRequest', id: '000000070001' });
    expect(h.Client.httpFor(advice).response?.headers.get('etag')).to.equal('W/"6"');
    const ended = await fetch(`${h.sandbox.url}/v1/ProfessionalSession/${id}`, {
      method: 'DELETE',
      headers: { XAPI_ASID: '200000000001', HTTP_X_SESSION_KEY: id },
    });
    expect(ended.status).to.equal(204);
    await rejects(read(classic), 401, 'NO_ACCESS');
  });

  it('answers the session endpoints’ errors: no ASID, no token, unknown session, role not held', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${h.sandbox.url}/v1/ProfessionalSession`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post({}, officialExample('A001_Request.json'))).status).to.equal(403);
    expect((await post({ XAPI_ASID: '1' }, { typeInfo: TYPE_INFO })).status).to.equal(422);
    const put = (key: string, businessFunction: string) =>
      fetch(`${h.sandbox.url}/v1/ProfessionalSession/${key}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', XAPI_ASID: '1', HTTP_X_SESSION_KEY: key },
        body: JSON.stringify({
          typeInfo: TYPE_INFO,
          token: 't',
          permission: { businessFunction, orgIdentifier: 'R69' },
        }),
      });
    expect((await put('pro-xapi-session_unknown', 'REFERRING_CLINICIAN')).status).to.equal(401);
    const { id } = (await (
      await post({ XAPI_ASID: '1' }, officialExample('A001_Request.json'))
    ).json()) as { id: string };
    expect((await put(id, 'ERS_ADMIN')).status).to.equal(403);
    const del = await fetch(`${h.sandbox.url}/v1/ProfessionalSession/unknown`, {
      method: 'DELETE',
    });
    expect(del.status).to.equal(401);
  });

  it('lets an application-restricted caller (no user headers) use only the endpoints open to it', async () => {
    const app = new h.Client({
      baseUrl: `${h.sandbox.url}/FHIR/STU3`,
      customHeaders: { Authorization: 'Bearer app-token' },
    });
    expect((await read(app)).id).to.equal('000000098888');
    await rejects(
      app.operation({
        name: '$ers.createReferralAndSendForTriage',
        resourceType: 'ReferralRequest',
        input: officialExample('A021_Request.json') as never,
      }),
      403,
      'NO_ACCESS',
    );
    const list = {
      resourceType: 'Parameters',
      meta: {
        profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1'],
      },
      parameter: [
        { name: 'listType', valueCodeableConcept: { coding: [{ code: 'REFERRALS_FOR_REVIEW' }] } },
      ],
    };
    await rejects(
      app.operation({
        name: '$ers.fetchworklist',
        resourceType: 'ReferralRequest',
        input: list,
      }),
      422,
      'MISSING_VALUE',
    );
  });

  it('answers a FHIR write in another media type with 415', async () => {
    const res = await fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/$ers.createReferral`, {
      method: 'POST',
      headers: {
        Authorization: 'Bearer x',
        'NHSD-eRS-Business-Function': 'REFERRING_CLINICIAN',
        'NHSD-End-User-Organisation-ODS': 'R69',
        'Content-Type': 'text/plain',
      },
      body: 'hello',
    });
    expect(res.status).to.equal(415);
  });
});
