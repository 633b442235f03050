/**
 * Sandbox defects of issue 15 that NHS's contract examples do not exercise on their own: the
 * headers and parameters the spec requires where NHS's sandbox does not check them (A015), the
 * code-system base (A004's url is what every answer uses), Two Week Wait Advice and Guidance, '$'
 * sent as %24, A038/A034 state rules and A022's NHS profile. Each failed before its fix.
 */
import { expect } from 'chai';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { PLATFORM } from './support.js';

const RC = 'REFERRING_CLINICIAN';
type Json = Record<string, unknown>;

describe('sandbox: NHS world rules the NHS examples leave open (issue 15)', () => {
  let sandbox: RunningSandbox;
  before(async () => {
    sandbox = await startSandbox({ world: 'nhs' });
  });
  after(() => sandbox.close());
  beforeEach(() => {
    sandbox.state.reset();
  });

  const call = async (
    path: string,
    options: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
      as?: string;
    } = {},
  ): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${sandbox.url}/FHIR/STU3/${path}`, {
      method: options.method ?? 'GET',
      headers: {
        ...PLATFORM(options.as ?? RC),
        ...(options.body === undefined ? {} : { 'Content-Type': 'application/fhir+json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const code = (b: Json): unknown =>
    (b['issue'] as { details: { coding: { code: string }[] } }[] | undefined)?.[0]?.details
      .coding[0]?.code;

  it('A015 requires appointmentType and the NHSD-eRS-Comm-Rule-Org header', async () => {
    const q = 'Slot?schedule.actor:HealthcareService=12000&status=free&_count=20&page=1';
    const ok = await call(`${q}&appointmentType=ROUTINE`);
    expect(ok.status).to.equal(200);
    const noType = await call(q);
    expect([noType.status, code(noType.body)]).to.deep.equal([400, 'MISSING_PARAMETER']);
    const badType = await call(`${q}&appointmentType=SOON`);
    expect([badType.status, code(badType.body)]).to.deep.equal([400, 'INVALID_VALUE']);
    const res = await fetch(`${sandbox.url}/FHIR/STU3/${q}&appointmentType=ROUTINE`, {
      headers: Object.fromEntries(
        Object.entries(PLATFORM(RC)).filter(([k]) => k !== 'NHSD-eRS-Comm-Rule-Org'),
      ),
    });
    expect(res.status).to.equal(400);
    expect(code((await res.json()) as Json)).to.equal('MISSING_HEADER');
  });

  it("A015 with a clinician: only that clinician's slots, in their schedule", async () => {
    const page = await call(
      'Slot?schedule.actor:HealthcareService=14000&schedule.actor:Practitioner=921600556514&appointmentType=ROUTINE&status=free',
    );
    const entries = page.body['entry'] as { resource: Json }[];
    const slots = entries.filter((e) => e.resource['resourceType'] === 'Slot');
    expect(slots).to.have.length(4);
    expect(entries.filter((e) => e.resource['resourceType'] === 'Schedule')).to.have.length(1);
    expect(slots[0]?.resource['schedule']).to.deep.equal({
      reference: 'Schedule/14000-921600556514',
    });
    const other = await call(
      'Slot?schedule.actor:HealthcareService=14000&schedule.actor:Practitioner=021600556514&appointmentType=ROUTINE&status=free',
    );
    expect(other.body['total']).to.equal(0);
  });

  it("uses A004's url as the code system of specialties everywhere ({base}/STU3/CodeSystem/…)", async () => {
    const a004 = await call('CodeSystem/SPECIALTY');
    const url = a004.body['url'] as string;
    expect(url).to.match(/\/STU3\/CodeSystem\/SPECIALTY$/);
    expect(url).to.not.include('/v1/');
    const referral = await call('ReferralRequest/000000070001');
    const specialty = referral.body['specialty'] as { coding: { system: string }[] };
    expect(specialty.coding[0]?.system).to.equal(url);
    const advice = await call('CommunicationRequest/000000070000');
    const ext = (
      advice.body['extension'] as { url: string; valueCoding?: { system: string } }[]
    ).find((e) => e.url.endsWith('Extension-eRS-Specialty-1'));
    expect(ext?.valueCoding?.system).to.equal(url);
    for (const type of ['REFERRAL-CANCELLATION-REASON', 'APPOINTMENT-NON-ATTENDANCE-REASON']) {
      const cs = await call(`CodeSystem/${type}`);
      expect(cs.status, type).to.equal(200);
      expect(cs.body['url']).to.equal(url.replace('SPECIALTY', type));
    }
  });

  it('takes $ as %24 in operation names', async () => {
    const body = {
      resourceType: 'Parameters',
      meta: {
        profile: ['https://fhir.nhs.uk/STU3/StructureDefinition/eRS-FetchWorklist-Parameters-1'],
      },
      parameter: [
        { name: 'listType', valueCodeableConcept: { coding: [{ code: 'AWAITING_BOOKING' }] } },
      ],
    };
    const res = await call('ReferralRequest/%24ers.fetchworklist', { method: 'POST', body });
    expect(res.status).to.equal(200);
  });

  it('A038 reads an appointment and its latest version only; A034 cancels only a booked one', async () => {
    expect((await call('Appointment/70000')).status).to.equal(200);
    expect((await call('Appointment/70000/_history/5')).status).to.equal(200);
    const old = await call('Appointment/70000/_history/4');
    expect([old.status, code(old.body)]).to.deep.equal([404, 'HISTORY_NOT_SUPPORTED']);
    const none = await call('Appointment/99999');
    expect([none.status, code(none.body)]).to.deep.equal([404, 'NO_SUCH_APPOINTMENT']);
    // 70009 is the booked appointment of 000000070001 (version 5); 70002 only a deferral.
    const cancel = (id: string, ubrn: string, ifMatch: string) =>
      call(`Appointment/${id}`, {
        method: 'PUT',
        headers: { 'If-Match': ifMatch },
        body: {
          resourceType: 'Appointment',
          id,
          status: 'cancelled',
          reason: [{ coding: [{ code: 'PATIENT_ILL' }] }],
          incomingReferral: [{ reference: `ReferralRequest/${ubrn}/_history/5` }],
        },
      });
    const refused = await cancel('70002', '000000070002', 'W/"5"');
    expect([refused.status, code(refused.body)]).to.deep.equal([422, 'INVALID_REQUEST_STATE']);
    const done = await cancel('70009', '000000070001', 'W/"1"');
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body['status']).to.equal('cancelled');
    expect(sandbox.state.referrals.get('000000070001')?.state).to.equal('NOT_BOOKED');
    const again = await cancel('70009', '000000070001', 'W/"2"');
    expect(again.status).to.equal(409);
  });

  it('refuses Two Week Wait Advice and Guidance only where the service says so (A044)', async () => {
    const create = (service: string) =>
      call('CommunicationRequest/$ers.createAdviceAndGuidance', {
        method: 'POST',
        body: {
          resourceType: 'Parameters',
          meta: {
            profile: [
              'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateAdviceAndGuidance-Request-Parameters-1',
            ],
          },
          parameter: [
            {
              name: 'patient',
              valueIdentifier: { system: 'http://fhir.nhs.net/Id/nhs-number', value: '9912003888' },
            },
            {
              name: 'providerConversionAuthorisation',
              valueCoding: { code: 'AUTHORISED_TO_CONVERT' },
            },
            {
              name: 'shortlist',
              resource: {
                resourceType: 'List',
                contained: [
                  { parameter: [{ name: 'priority', valueCoding: { code: 'TWO_WEEK_WAIT' } }] },
                ],
                entry: [{ item: { identifier: { value: service } } }],
              },
            },
            { name: 'request', valueString: 'Please advise.' },
          ],
        },
      });
    expect((await create('11014')).status).to.equal(200);
    const service = sandbox.state.services.get('11014');
    if (!service) throw new Error('no service 11014');
    sandbox.state.services.set('11014', { ...service, adviceTwoWeekWait: false });
    const refused = await create('11014');
    expect([refused.status, code(refused.body)]).to.deep.equal([422, 'UNSUPPORTED_PRIORITY']);
  });

  it('A022 takes NHS’s eRS-cancelAppointmentActionLater-Parameters-1 profile', async () => {
    // 000000070006 is booked at directly bookable 11002, version 6.
    const res = await call('ReferralRequest/000000070006/$ers.cancelAppointmentActionLater', {
      method: 'POST',
      as: 'SERVICE_PROVIDER_CLINICIAN',
      headers: { 'If-Match': 'W/"6"' },
      body: {
        resourceType: 'Parameters',
        meta: {
          profile: [
            'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-cancelAppointmentActionLater-Parameters-1',
          ],
        },
        parameter: [{ name: 'comments', valueString: 'Clinic cancelled' }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(sandbox.state.referrals.get('000000070006')?.state).to.equal(
      'TRIAGED_PROVIDER_TO_ACTION',
    );
  });
});
