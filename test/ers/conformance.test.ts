/**
 * The client defects NHS's contract found (issue 15), each pinned on its own: base URL, code
 * systems, roles, readers. The whole-request checks are in test/ers/contract.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATIONS, PROVIDER_OPERATIONS } from '../../src/ers/operations/index.js';
import { SANDBOX_DEFAULT_AUTH } from '../../src/ers/provider.js';
import {
  buildContextFor,
  defaultCodeSystemBase,
  environmentOf,
  stu3Base,
} from '../../src/ers/environment.js';
import { fileNameOf } from '../../src/ers/readers/standard.js';
import { worklistItems } from '../../src/ers/readers/worklist.js';
import { slotSearchFacts } from '../../src/ers/readers/referral.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { CaptureServer, type Scenario } from './contract/capture.js';
import { contractClient } from './contract/harness.js';

const mock = (path: string): unknown =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/nhs-contract/mocks', path), 'utf8'),
  );
const param = (body: unknown, name: string): Record<string, unknown> | undefined =>
  (body as { parameter: { name: string }[] }).parameter.find((p) => p.name === name);

describe('ers: conformance with the e-RS platform (issue 15 defects)', () => {
  it('takes the documented platform base …/referrals/FHIR without doubling /FHIR', () => {
    expect(stu3Base('https://sandbox.api.service.nhs.uk/referrals/FHIR', 'platform')).to.equal(
      'https://sandbox.api.service.nhs.uk/referrals/FHIR/STU3',
    );
    expect(stu3Base('https://int.api.service.nhs.uk/referrals/FHIR/', 'platform')).to.equal(
      'https://int.api.service.nhs.uk/referrals/FHIR/STU3',
    );
    expect(stu3Base('http://127.0.0.1:8090', 'platform')).to.equal(
      'http://127.0.0.1:8090/FHIR/STU3',
    );
  });

  it('reads a download file name quoted or not', () => {
    expect(fileNameOf('attachment; filename="letter 1.pdf"')).to.equal('letter 1.pdf');
    expect(fileNameOf('attachment; filename=letter.pdf')).to.equal('letter.pdf');
    expect(fileNameOf('inline;filename=cri.pdf; size=10')).to.equal('cri.pdf');
    expect(fileNameOf(null)).to.equal(undefined);
  });

  it('sends dynamic code systems under the environment base, as A004 names them', () => {
    const int = 'https://int.api.service.nhs.uk/referrals/FHIR';
    expect(defaultCodeSystemBase(environmentOf(int, false), int)).to.equal(int);
    const sandbox = 'https://sandbox.api.service.nhs.uk/referrals/FHIR';
    expect(defaultCodeSystemBase(environmentOf(sandbox, false), sandbox)).to.equal('_baseUrl_');
    expect(environmentOf('http://127.0.0.1:8090', true)).to.equal('embedded');
    const input = {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      specialty: 'CARDIOLOGY',
      clinicType: 'HEART_FAILURE',
      serviceIds: ['11002'],
    };
    const built = OPERATIONS.A011.build(
      OPERATIONS.A011.input.parse(input),
      buildContextFor('A011', int),
    );
    expect(JSON.stringify(built.body)).to.include(`"${int}/STU3/CodeSystem/SPECIALTY"`);
    expect(JSON.stringify(built.body)).to.not.include('eRS-Specialty-1');
  });

  it('sends the embedded sandbox the code-system base its own A004 answers with', async () => {
    const sandbox = await startSandbox({ world: 'nhs' });
    try {
      const res = await fetch(`${sandbox.url}/FHIR/STU3/CodeSystem/SPECIALTY`, {
        headers: { authorization: 'Bearer t' },
      });
      const url = ((await res.json()) as { url: string }).url;
      const base = defaultCodeSystemBase(environmentOf(sandbox.url, true), sandbox.url);
      expect(url).to.equal(`${base}/STU3/CodeSystem/SPECIALTY`);
    } finally {
      await sandbox.close();
    }
  });

  it('gives A014 rejectionReason a code-system URI', () => {
    const built = OPERATIONS.A014.build(
      OPERATIONS.A014.input.parse({
        ubrn: '000000070000',
        version: '9',
        reason: 'OTHER',
        comments: 'c',
      }),
      buildContextFor('A014', 'https://api.service.nhs.uk/referrals/FHIR'),
    );
    expect(param(built.body, 'rejectionReason')?.['valueCoding']).to.deep.equal({
      system:
        'https://api.service.nhs.uk/referrals/FHIR/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON',
      code: 'OTHER',
    });
  });

  it('sends A015 appointmentType and NHSD-eRS-Comm-Rule-Org, and requires both', () => {
    const input = { serviceId: '12000', priority: 'URGENT', commissioningRuleOrg: 'R69' };
    const built = OPERATIONS.A015.build(OPERATIONS.A015.input.parse(input));
    expect(new URL(`http://x${built.path}`).searchParams.get('appointmentType')).to.equal('URGENT');
    expect(built.headers).to.deep.equal({ 'NHSD-eRS-Comm-Rule-Org': 'R69' });
    expect(OPERATIONS.A015.input.safeParse({ serviceId: '12000' }).success).to.equal(false);
  });

  it('reads the priority and Commissioning-Rule-Org A015 needs from an A005 referral', () => {
    expect(slotSearchFacts(mock('retrieveReferralRequest/responses/Unbooked.json'))).to.deep.equal({
      priority: 'ROUTINE',
      commissioningRuleOrg: 'R69',
    });
  });

  it('calls A027 and the review operations under the provider business function', () => {
    expect(PROVIDER_OPERATIONS).to.include.members([
      'A013',
      'A014',
      'A022',
      'A026',
      'A027',
      'A028',
    ]);
    expect(PROVIDER_OPERATIONS).to.not.include.members(['A005', 'A011', 'A016', 'A036']);
    const roles = SANDBOX_DEFAULT_AUTH as { businessFunctionFor: Record<string, string> };
    expect(roles.businessFunctionFor['A027']).to.equal('SERVICE_PROVIDER_CLINICIAN');
  });

  it("sends a provider flow's A005 pre-read under the provider's role", async () => {
    const server = new CaptureServer();
    const url = await server.start();
    try {
      server.answerAs({ responseStatus: 200, responseHeaders: {} } as unknown as Scenario);
      const client = contractClient(url, undefined);
      await client
        .execute('A005', { ubrn: '000000070000' }, { roleOf: 'A013' })
        .catch(() => undefined);
      await client.execute('A005', { ubrn: '000000070000', version: '5' }).catch(() => undefined);
      await client.close();
      const [forA013, plain] = server.requests;
      expect(forA013?.headers['nhsd-ers-business-function']).to.equal('SERVICE_PROVIDER_CLINICIAN');
      expect(plain?.headers['nhsd-ers-business-function']).to.equal('REFERRING_CLINICIAN');
      expect(plain?.url).to.equal('/FHIR/STU3/ReferralRequest/000000070000/_history/5');
    } finally {
      await server.stop();
    }
  });

  it("asks a referrer's worklists under the referrer's role, the provider's under the provider's", async () => {
    const server = new CaptureServer();
    const url = await server.start();
    try {
      server.answerAs({ responseStatus: 200, responseHeaders: {} } as unknown as Scenario);
      const client = contractClient(url, undefined);
      for (const listType of ['AWAITING_BOOKING', 'REFERRALS_FOR_REVIEW'])
        await client.execute('A008', { listType }).catch(() => undefined);
      await client.close();
      expect(server.requests.map((r) => r.headers['nhsd-ers-business-function'])).to.deep.equal([
        'REFERRING_CLINICIAN',
        'SERVICE_PROVIDER_CLINICIAN',
      ]);
    } finally {
      await server.stop();
    }
  });

  it('reads worklist versions sent as valueInteger, for every list type', () => {
    const items = worklistItems(mock('retrieveWorklist/responses/ReferralsForReview.json'));
    expect(items.length).to.be.greaterThan(0);
    expect(items.every((i) => /^\d+$/.test(i.version))).to.equal(true);
    for (const list of [
      'AwaitingBooking',
      'LettersOutstanding',
      'RejectedTriageResponse',
      'AssessmentReturnedCancelledDna',
    ])
      expect(worklistItems(mock(`retrieveWorklist/responses/${list}.json`)), list).to.not.be.empty;
  });

  it('reads from A005 and A038 what cancelling a directly booked appointment (A034) needs', () => {
    const referral = OPERATIONS.A005.read({
      resource: mock('retrieveReferralRequest/responses/BookedDBS.json') as Record<string, unknown>,
      etag: undefined,
      location: undefined,
    });
    expect(referral['appointmentId']).to.equal('70009');
    const facts = OPERATIONS.A038.read({
      resource: mock('retrieveAppointment/responses/BookedDBS.json') as Record<string, unknown>,
      etag: undefined,
      location: undefined,
    });
    expect(facts).to.include.keys([
      'appointmentId',
      'appointmentVersion',
      'ubrn',
      'version',
      'serviceId',
      'nhsNumber',
    ]);
    const built = OPERATIONS.A034.build(
      OPERATIONS.A034.input.parse({ ...facts, reason: 'PATIENT_ILL' }),
    );
    expect(built.path).to.equal(`/Appointment/${facts['appointmentId']}`);
    expect(built.headers).to.deep.equal({ 'If-Match': `W/"${facts['appointmentVersion']}"` });
    expect(built.body).to.deep.include({
      incomingReferral: [
        { reference: `ReferralRequest/${facts['ubrn']}/_history/${facts['version']}` },
      ],
    });
  });

  it('offers all six A004 code systems and the A016 TRIAGE deferral', () => {
    for (const type of [
      'SPECIALTY',
      'CLINIC-TYPE',
      'APPOINTMENT-CANCELLATION-REASON',
      'REFERRAL-CANCELLATION-REASON',
      'APPOINTMENT-NON-ATTENDANCE-REASON',
      'PRIORITY',
    ])
      expect(OPERATIONS.A004.input.safeParse({ type }).success, type).to.equal(true);
    const triage = OPERATIONS.A016.input.safeParse({
      ubrn: '000000070000',
      version: '6',
      serviceId: '50001',
      nhsNumber: '9912003888',
      action: 'defer',
      deferReason: 'TRIAGE',
    });
    expect(triage.success).to.equal(true);
  });
});
