import { expect } from 'chai';
import { OPERATIONS, operationInputSchema } from '../../src/ers/operations/index.js';
import { officialExample, shapeOf } from '../support/fhir-shape.js';

const build = <K extends keyof typeof OPERATIONS>(id: K, input: unknown) =>
  // The registry pairs each schema with its builder; parse gives that builder's input.
  (OPERATIONS[id].build as (i: unknown) => ReturnType<(typeof OPERATIONS)[K]['build']>)(
    OPERATIONS[id].input.parse(input),
  );
const problems = (id: string, input: unknown): string[] => {
  const r = operationInputSchema(id)!.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
};

describe('ers: reference data, service search and Advice and Guidance builders', () => {
  it('builds A010 of the same shape as the official example', () => {
    const built = build('A010', {
      nhsNumber: '9912003888',
      priority: 'ROUTINE',
      specialty: 'SLEEP_MEDICINE',
      clinicType: 'INSOMNIA',
      namedClinician: '021600556514',
      clinicalTerm: '78275009',
      commissioningProvisioning: 'NATIONALLY_AVAILABLE',
      organisation: 'R68',
      distanceLimit: 500,
      postcode: 'LS1 2UT',
      waitTimeLimitDays: 21,
    });
    expect(built.path).to.equal('/HealthcareService/$ers.searchHealthcareServicesForPatient');
    expect(shapeOf(built.body)).to.deep.equal(shapeOf(officialExample('A010_Request.json')));
  });

  it('refuses A010 criteria e-RS would refuse: no specialty/term/clinician, distance without postcode', () => {
    expect(
      problems('A010', { nhsNumber: '9912003888', priority: 'ROUTINE', distanceLimit: 5 }),
    ).to.include.members([
      'specialty needs specialty and clinicType, or clinicalTerm, or namedClinician',
      'distanceLimit is not permitted without postcode',
    ]);
  });

  it('builds A026 of the same shape as the official example, with If-Match', () => {
    const built = build('A026', {
      ubrn: '000000070000',
      version: '4',
      guidance: 'We need more information',
      outcome: 'REQUIRE_FURTHER_INFORMATION',
      priority: 'ROUTINE',
      files: [{ url: 'Binary/att-102287-102727', description: 'ATTACHMENT_DESCRIPTION' }],
      indexed: '2021-01-29T15:18:00+00:00',
    });
    expect(built.path).to.equal(
      '/CommunicationRequest/000000070000/$ers.sendCommunicationToRequester',
    );
    expect(built.headers).to.deep.equal({ 'If-Match': 'W/"4"' });
    expect(shapeOf(built.body)).to.deep.equal(shapeOf(officialExample('A026_Request.json')));
  });

  it('requires an intended recommendation exactly when A026 returns advice', () => {
    const base = {
      ubrn: '000000070000',
      version: '4',
      guidance: 'g',
      priority: 'ROUTINE',
    };
    expect(problems('A026', { ...base, outcome: 'RETURN_TO_REFERRER_WITH_ADVICE' })).to.deep.equal([
      'recommendation is required with RETURN_TO_REFERRER_WITH_ADVICE',
    ]);
    expect(
      problems('A026', {
        ...base,
        outcome: 'REQUIRE_FURTHER_INFORMATION',
        recommendation: 'OTHER',
      }),
    ).to.have.length(1);
  });

  it('builds A027 of the same shape as the official example', () => {
    const built = build('A027', {
      ubrn: '000000102335',
      version: '4',
      guidance: 'Guidance response',
      priority: 'ROUTINE',
      reviewComments: 'The deferral comments for the admin',
      guidanceFiles: [{ url: 'Binary/att-102335-102817', description: 'guidance file' }],
      reviewFiles: [{ url: 'Binary/att-102335-102818', description: 'review file' }],
      indexed: '2019-12-15T13:24:53+00:00',
    });
    expect(built.headers).to.equal(undefined);
    const ours = shapeOf(built.body);
    const official = shapeOf(officialExample('A027_Request.json'));
    expect(ours).to.deep.equal(official);
    const refs = (built.body as { parameter: { name: string; valueReference?: unknown }[] })
      .parameter;
    expect(refs[0]).to.deep.equal({
      name: 'createFrom',
      valueReference: { reference: 'CommunicationRequest/000000102335/_history/4' },
    });
  });

  it('builds A028 of the same shape as the official example and needs a priority to accept', () => {
    const built = build('A028', {
      ubrn: '000000070000',
      version: '6',
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      priority: 'ROUTINE',
      comments: 'comments',
    });
    expect(shapeOf(built.body)).to.deep.equal(shapeOf(officialExample('A028_Request.json')));
    expect(
      problems('A028', {
        ubrn: '000000070000',
        version: '6',
        outcome: 'ACCEPT_REFER_BOOK_LATER',
        comments: 'c',
      }),
    ).to.deep.equal(['priority is required with ACCEPT_REFER_BOOK_LATER']);
  });

  it('builds the reads: A004, A006, A007, A024, A025 and A029 paths as the catalogue gives them', () => {
    expect(build('A004', { type: 'CLINIC-TYPE' }).path).to.equal('/CodeSystem/CLINIC-TYPE');
    expect(build('A006', { attachmentUrl: 'Binary/att-1-2' })).to.deep.include({
      method: 'GET',
      path: '/Binary/att-1-2',
      expect: 'binary',
    });
    expect(build('A007', { ubrn: '000000070000' })).to.deep.include({
      method: 'POST',
      path: '/ReferralRequest/000000070000/$ers.generateCRI',
      expect: 'binary',
    });
    expect(build('A024', { ubrn: '000000070000', version: '6' }).path).to.equal(
      '/CommunicationRequest/000000070000/_history/6',
    );
    const a025 = new URL(`http://x${build('A025', { ubrn: '000000070000', version: '6' }).path}`);
    expect(a025.pathname).to.equal('/Communication');
    expect(a025.searchParams.get('based-on')).to.equal(
      'CommunicationRequest/000000070000/_history/6',
    );
    // NHS's examples send no _include (e-RS includes the resources); asked for, all three go.
    expect(a025.searchParams.getAll('_include')).to.have.length(0);
    const included = build('A025', { ubrn: '000000070000', version: '6', include: true });
    expect(new URL(`http://x${included.path}`).searchParams.getAll('_include')).to.have.length(3);
    const a029 = new URL(`http://x${build('A029', { ubrn: '000000070000', version: '6' }).path}`);
    expect(Object.fromEntries(a029.searchParams)).to.deep.equal({
      focus: 'ReferralRequest/000000070000/_history/6',
      intent: 'proposal',
      status: 'ready',
    });
  });

  it('builds A023 with the A&G list selector', () => {
    const built = build('A023', { serviceId: '10000' });
    expect(built.path).to.equal('/CommunicationRequest/$ers.fetchworklist');
    expect(JSON.stringify(built.body)).to.include('eRS-CommunicationListSelector-1');
    expect(shapeOf(built.body).parameterNames).to.deep.equal(['listType', 'service']);
  });
});
