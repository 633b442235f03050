/**
 * Every request our builders produce, as it arrives on the wire, is valid against NHS's OpenAPI
 * spec: all NHS contract scenarios (the health checks /_ping and /_status are not in the spec),
 * plus variants using the inputs NHS's examples leave out.
 */
import { expect } from 'chai';
import { CaptureServer, scenarios, type Scenario } from './capture.js';
import { contractClient, sendScenario } from './harness.js';
import { loadSpec, RequestValidator } from './openapi.js';

const UBRN = '000000070000';
const NHS = '9912003888';
const shortlist = { priority: 'ROUTINE', specialty: 'CARDIOLOGY', clinicType: 'HEART_FAILURE' };

/** Inputs beyond NHS's examples: every optional part some builder has. */
const VARIANTS: readonly [string, Record<string, unknown>][] = [
  [
    'A015',
    { serviceId: '11000', priority: 'URGENT', commissioningRuleOrg: 'R69', includeSchedule: true },
  ],
  ['A025', { ubrn: UBRN, version: '1', include: true }],
  [
    'A008',
    {
      listType: 'REFERRALS_FOR_REVIEW',
      specialty: 'CARDIOLOGY',
      specialtyAssigned: 'NOT_ASSIGNED',
    },
  ],
  [
    'A008',
    { listType: 'AWAITING_BOOKING', clinician: '021600556514', clinicianAssigned: 'NOT_ASSIGNED' },
  ],
  [
    'A010',
    {
      nhsNumber: NHS,
      ...shortlist,
      commissioningProvisioning: 'NATIONALLY_AVAILABLE',
      postcode: 'LS1 2UT',
      distanceLimit: 10,
    },
  ],
  [
    'A011',
    {
      nhsNumber: NHS,
      ...shortlist,
      serviceIds: ['11002'],
      commissioningProvisioning: 'LOCALLY_COMMISSIONABLE',
      letterIntention: 'NOT_INTENDING_TO_ADD',
    },
  ],
  [
    'A014',
    { ubrn: UBRN, version: '9', reason: 'OTHER', comments: 'c', appointmentCancelledInPas: false },
  ],
  [
    'A016',
    {
      ubrn: UBRN,
      version: '6',
      serviceId: '11000',
      nhsNumber: NHS,
      action: 'defer',
      deferReason: 'TRIAGE',
      slotId: '11000022',
      comment: 'x',
    },
  ],
  [
    'A022',
    {
      ubrn: UBRN,
      version: '5',
      comments: 'c',
      appointmentCancelledInPas: false,
      priority: 'TWO_WEEK_WAIT',
    },
  ],
  ['A023', { serviceId: '21012' }],
  ['A024', { ubrn: UBRN }],
  [
    'A034',
    {
      appointmentId: '70003',
      appointmentVersion: '1',
      ubrn: UBRN,
      version: '6',
      serviceId: '50',
      nhsNumber: NHS,
      reason: 'PATIENT_ILL',
    },
  ],
  [
    'A044',
    { nhsNumber: NHS, ...shortlist, serviceIds: ['11014'], providerMayConvert: true, request: 'r' },
  ],
];

describe('ers contract: every built request is valid against the e-RS OpenAPI spec', () => {
  const server = new CaptureServer();
  let url = '';
  let validator: RequestValidator;
  before(async () => {
    url = await server.start();
    validator = new RequestValidator(await loadSpec());
  });
  after(async () => {
    await server.stop();
  });

  const eRs = scenarios().filter((s) => s.id !== null);
  it(`validates the requests of all ${eRs.length} e-RS scenarios`, async () => {
    const invalid: string[] = [];
    for (const s of eRs) {
      const problems = validator.problems(await sendScenario(server, url, s));
      if (problems.length > 0) invalid.push(`${s.operation} ${s.scenario}: ${problems.join('; ')}`);
    }
    expect(invalid).to.deep.equal([]);
  });

  it('validates the variants NHS examples leave out', async () => {
    const invalid: string[] = [];
    for (const [operation, input] of VARIANTS) {
      server.answerAs({ responseStatus: 200, responseHeaders: {} } as unknown as Scenario);
      const client = contractClient(url, undefined);
      await client.execute(operation, input).catch(() => undefined);
      await client.close();
      const [captured] = server.requests;
      if (captured === undefined) throw new Error(`${operation} sent nothing`);
      const problems = validator.problems(captured);
      if (problems.length > 0) invalid.push(`${operation}: ${problems.join('; ')}`);
    }
    expect(invalid).to.deep.equal([]);
  });

  it('finds a spec violation when there is one (the validator is not blind)', async () => {
    const s = eRs.find((x) => x.operation === 'A015');
    if (s === undefined) throw new Error('no A015 scenario');
    const captured = await sendScenario(server, url, s);
    const broken = { ...captured, url: captured.url.replace(/&?appointmentType=[A-Z_]+/, '') };
    const headers = { ...captured.headers };
    delete headers['nhsd-ers-comm-rule-org'];
    expect(validator.problems({ ...broken, headers })).to.include.members([
      'query appointmentType is required',
      'header NHSD-eRS-Comm-Rule-Org is required',
    ]);
  });
});
