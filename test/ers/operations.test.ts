import { expect } from 'chai';
import { OPERATIONS, operationInputSchema } from '../../src/ers/operations/index.js';
import { isValidNhsNumber } from '../../src/ers/nhs-number.js';
import { uploadProblems } from '../../src/ers/operations/upload.js';
import { officialExample, shapeOf } from '../support/fhir-shape.js';

const fullCriteria = {
  nhsNumber: '9912003888',
  priority: 'ROUTINE',
  serviceIds: ['90596'],
  specialty: 'SLEEP_MEDICINE',
  clinicType: 'INSOMNIA',
  namedClinician: '021600556514',
  clinicalTerm: '78275009',
  commissioningProvisioning: 'NATIONALLY_AVAILABLE',
  organisation: 'R68',
  distanceLimit: 500,
  postcode: 'LS1 2UT',
  waitTimeLimitDays: 21,
};

describe('ers: operation builders', () => {
  it('checks NHS numbers by modulus 11, allowing spaces and refusing repeated digits', () => {
    expect(isValidNhsNumber('991 200 3888')).to.equal(true);
    expect(isValidNhsNumber('9190000000')).to.equal(false); // the published example's number
    expect(isValidNhsNumber('0000000000')).to.equal(false);
    expect(isValidNhsNumber('99120038')).to.equal(false);
  });

  it('builds an A021 body of the same shape as the official example', () => {
    const input = OPERATIONS.A021.input.parse(fullCriteria);
    const built = OPERATIONS.A021.build(input);
    expect(built.path).to.equal('/ReferralRequest/$ers.createReferralAndSendForTriage');
    expect(shapeOf(built.body)).to.deep.equal(shapeOf(officialExample('A021_Request.json')));
  });

  it('builds an A011 body of the same shape as the official example', () => {
    const example = officialExample('A011_Request.json');
    const built = OPERATIONS.A011.build(
      OPERATIONS.A011.input.parse({ ...fullCriteria, serviceIds: ['90636'] }),
    );
    const ours = shapeOf(built.body);
    const official = shapeOf(example);
    expect(ours.profiles).to.deep.equal(official.profiles);
    expect(ours.parameterNames).to.deep.equal(official.parameterNames);
    expect(official.paths.filter((p) => !ours.paths.includes(p))).to.deep.equal([]);
  });

  it('builds A012 and A014 bodies of the same shape as the official examples', () => {
    const a012 = OPERATIONS.A012.build(
      OPERATIONS.A012.input.parse({
        ubrn: '000000070000',
        version: '5',
        files: [{ url: 'Binary/att-97366-95217', description: 'Example Text' }],
        indexed: '2019-12-15T13:24:53+00:00',
      }),
    );
    // NHS's contract (test/ers/contract) wins over the legacy example: no coding display.
    const legacy = shapeOf(officialExample('A012_Request.json'));
    expect(shapeOf(a012.body).paths).to.deep.equal(
      legacy.paths.filter((p) => p !== 'parameter.resource.type.coding.display'),
    );
    expect(a012.headers).to.deep.equal({ 'If-Match': 'W/"5"' });
    const a014 = OPERATIONS.A014.build(
      OPERATIONS.A014.input.parse({
        ubrn: '000000070000',
        version: '9',
        reason: 'SERVICE_PREREQUISITES_NOT_COMPLETE',
        comments: 'comments',
        appointmentCancelledInPas: false,
      }),
    );
    const official = shapeOf(officialExample('A014_Request_IBS.json'));
    expect(shapeOf(a014.body).paths).to.deep.equal(official.paths);
    expect(shapeOf(a014.body).parameterNames).to.deep.equal(official.parameterNames);
  });

  it('refuses inputs before any call: bad NHS number, unknown priority, too many services', () => {
    const schema = operationInputSchema('A021')!;
    const result = schema.safeParse({
      ...fullCriteria,
      nhsNumber: '9912003889',
      priority: 'SOON',
      serviceIds: Array.from({ length: 21 }, (_, i) => String(i)),
    });
    expect(result.success).to.equal(false);
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(paths).to.include.members(['nhsNumber', 'priority', 'serviceIds']);
  });

  it('checks uploads against the A020 size and mime table', () => {
    expect(uploadProblems('letter.pdf', 'application/pdf', 10)).to.deep.equal([]);
    expect(uploadProblems('letter.exe', 'application/pdf', 10)[0]).to.match(/extension/);
    expect(uploadProblems('x.pdf', 'application/zip', 10)[0]).to.match(/not accepted/);
    expect(uploadProblems('x.pdf', 'application/pdf', 5 * 1024 * 1024 + 1)[0]).to.match(/5 MB/);
  });
});
