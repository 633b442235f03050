import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { secondsToLondonMidnight } from '../../src/sandbox/routes/worklist.js';
import { parameters, rejects, useSandbox, type Json } from './support.js';

const listType = (code: string) => ({
  name: 'listType',
  valueCodeableConcept: {
    coding: [{ system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralListSelector-1', code }],
  },
});
const coded = (name: string, code: string) => ({
  name,
  valueCodeableConcept: { coding: [{ code }] },
});

describe('sandbox: provider worklists (A008)', () => {
  const h = useSandbox();
  const fetchList = (parameter: unknown[]) =>
    h.provider.operation({
      name: '$ers.fetchworklist',
      resourceType: 'ReferralRequest',
      input: parameters('eRS-FetchWorklist-Parameters-1', parameter) as never,
    }) as unknown as Promise<{ entry: { item: { reference: string } }[] }>;
  const refs = (list: { entry: { item: { reference: string } }[] }) =>
    list.entry.map((e) => e.item.reference);

  it('lists referrals awaiting triage and booked appointments pending review', async () => {
    expect(refs(await fetchList([listType('REFERRALS_FOR_REVIEW')]))).to.include.members([
      'ReferralRequest/000000097366',
      'ReferralRequest/000000098879',
    ]);
  });

  it('filters by service, specialty and allocated clinician as the official request does', async () => {
    const list = await h.provider.operation({
      name: '$ers.fetchworklist',
      resourceType: 'ReferralRequest',
      input: officialExample('A008_Request.json') as never,
    });
    expect(refs(list as never)).to.have.members([
      'ReferralRequest/000000098879',
      'ReferralRequest/000000098880',
    ]);
  });

  it('lists deferred referrals on the appointment slot issues list', async () => {
    await h.referrer.create({
      resourceType: 'Appointment',
      body: officialExample('A016_Request_DEFER.json') as never,
    });
    expect(refs(await fetchList([listType('APPOINTMENT_SLOT_ISSUES')]))).to.deep.equal([
      'ReferralRequest/000000070004',
    ]);
  });

  it('answers A008 errors: list type, unknown service, indicator rules, structure, role', async () => {
    await rejects(fetchList([listType('NOT_A_LIST')]), 422, 'INVALID_CODE');
    // AWAITING_BOOKING is a referrer's list (NHS's A008 examples), not the provider's.
    await rejects(fetchList([listType('AWAITING_BOOKING')]), 403, 'FORBIDDEN');
    await rejects(fetchList([]), 422, 'MISSING_VALUE');
    await rejects(
      fetchList([
        listType('REFERRALS_FOR_REVIEW'),
        { name: 'service', valueIdentifier: { value: '99999' } },
      ]),
      422,
      'NO_SUCH_SERVICE',
    );
    await rejects(
      fetchList([
        listType('REFERRALS_FOR_REVIEW'),
        coded('specialtyAssignedIndicator', 'ASSIGNED'),
      ]),
      422,
      'MISSING_VALUE',
    );
    await rejects(
      fetchList([
        listType('REFERRALS_FOR_REVIEW'),
        coded('specialtyAssignedIndicator', 'NOT_ASSIGNED'),
      ]),
      422,
      'INVALID_VALUE',
    );
    await rejects(
      fetchList([listType('REFERRALS_FOR_REVIEW'), coded('specialty', 'CARDIOLOGY')]),
      422,
      'UNEXPECTED_FIELD',
    );
    await rejects(
      fetchList([
        listType('REFERRALS_FOR_REVIEW'),
        coded('clinicianAssignedIndicator', 'ASSIGNED'),
      ]),
      422,
      'MISSING_VALUE',
    );
    await rejects(
      fetchList([
        listType('REFERRALS_FOR_REVIEW'),
        { name: 'clinician', valueIdentifier: { value: '021600556514' } },
      ]),
      422,
      'UNEXPECTED_FIELD',
    );
    const wrongProfile: Json = {
      resourceType: 'Parameters',
      parameter: [listType('REFERRALS_FOR_REVIEW')],
    };
    await rejects(
      h.provider.operation({
        name: '$ers.fetchworklist',
        resourceType: 'ReferralRequest',
        input: wrongProfile as never,
      }),
      422,
      'INVALID_FHIR_STRUCTURE',
    );
    await rejects(
      h.referrer.operation({
        name: '$ers.fetchworklist',
        resourceType: 'ReferralRequest',
        input: parameters('eRS-FetchWorklist-Parameters-1', [
          listType('REFERRALS_FOR_REVIEW'),
        ]) as never,
      }),
      403,
      'FORBIDDEN',
    );
  });
  it('lets an application fetch a service worklist twice a day, then answers 429 with no body', async () => {
    const fetchAs = (headers: Record<string, string>, service: string) =>
      fetch(`${h.sandbox.url}/FHIR/STU3/ReferralRequest/$ers.fetchworklist`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/fhir+json', ...headers },
        body: JSON.stringify(
          parameters('eRS-FetchWorklist-Parameters-1', [
            listType('REFERRALS_FOR_REVIEW'),
            {
              name: 'service',
              valueIdentifier: { system: 'http://fhir.nhs.net/Id/ers-service', value: service },
            },
          ]),
        ),
      });
    const app = { Authorization: 'Bearer app-token' };
    expect((await fetchAs(app, '90282')).status).to.equal(200);
    expect((await fetchAs(app, '90282')).status).to.equal(200);
    const third = await fetchAs(app, '90282');
    expect(third.status).to.equal(429);
    expect(await third.text()).to.equal('');
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 25 * 3600);
    // Another service has its own two; a user-restricted provider has no such limit.
    expect((await fetchAs(app, '10000')).status).to.equal(200);
    const provider = {
      Authorization: 'Bearer user-token',
      'NHSD-eRS-Business-Function': 'SERVICE_PROVIDER_CLINICIAN',
      'NHSD-End-User-Organisation-ODS': 'R69',
    };
    for (let i = 0; i < 3; i++) expect((await fetchAs(provider, '90282')).status).to.equal(200);
    // A reset (as between tests) starts the day's count again.
    h.sandbox.state.reset();
    expect((await fetchAs(app, '90282')).status).to.equal(200);
  });

  it('counts an application day in London time, GMT and BST', () => {
    expect(secondsToLondonMidnight(new Date('2026-11-25T23:30:00Z'))).to.equal(1800);
    // 22:30 UTC in July is 23:30 in London (BST).
    expect(secondsToLondonMidnight(new Date('2026-07-01T22:30:00Z'))).to.equal(1800);
    expect(secondsToLondonMidnight(new Date('2026-07-01T23:30:00Z'))).to.equal(84_600);
    // The night the clocks go back is 25 hours long.
    expect(secondsToLondonMidnight(new Date('2026-10-24T23:00:00.000Z'))).to.equal(25 * 3600);
  });
});
