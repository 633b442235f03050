import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The golden request of each shipped mapping (samples/<mapping>/expected-fhir.json, which
 * `mapping test` keeps equal to what the mapping builds) against NHS's own example requests
 * (test/fixtures/nhs-contract): NHS's sandbox answers only requests deep-equal to one of them.
 */
const CONTRACT = join('test', 'fixtures', 'nhs-contract');

interface Golden {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
  readonly then?: Golden & { operation: string };
}

const golden = (id: string): Golden =>
  JSON.parse(readFileSync(join('samples', id, 'expected-fhir.json'), 'utf8')) as Golden;
const nhs = (file: string): unknown =>
  JSON.parse(readFileSync(join(CONTRACT, 'mocks', file), 'utf8')) as unknown;

/** Mapping → the NHS example request its golden body equals, exactly. */
const EQUAL_BODY: Readonly<Record<string, string>> = {
  'ref-i12-a021': 'createReferralAndSendForTriage/requests/Parameters.json',
  'csv-referral-a021': 'createReferralAndSendForTriage/requests/Parameters.json',
  'ref-i12-a011': 'createReferral/requests/RequestMixedShortlist.json',
  'rri-i12-a014': 'rejectReferral/requests/BasicExampleDbs.json',
  'siu-s15-a022': 'cancelAppointmentActionLater/requests/MinimalExampleIBS.json',
  'worklist-a008': 'retrieveWorklist/requests/FilteringByService.json',
  'siu-s15-a036': 'cancelReferral/requests/NoLongerRequired.json',
};

/** Mappings whose request NHS's sandbox selects by path and headers alone (no JSON body). */
const EQUAL_PATH: Readonly<Record<string, string>> = {
  'rri-i12-a013': '/ReferralRequest/000000070000/$ers.acceptReferral',
  'mdm-t02-a020': '/Binary',
};

/**
 * Mappings no NHS example equals, and why (NHS's sandbox answers them 422). Each is a fact of
 * NHS's examples, not of our builders: see docs/mapping.md "Against NHS's sandbox".
 */
const NO_NHS_EQUAL: Readonly<Record<string, string>> = {
  'siu-s12-a016':
    "NHS's A016 examples book slot 11000021 at _history/6; its A005 answers version 5 and its A015 lists no slot 11000021 (the sample books 11002001 of the shortlisted service 11002)",
  'siu-s14-a016-defer':
    "NHS's A016 deferral examples say _history/6 (its A005 answers version 5) and defer to 11000, a service not on 000000070000's shortlist (11002)",
  'ref-i12-a011-triage':
    'NHS has no A011 example with a single triage service, and its TRIAGE deferral is for service 50001 at _history/6',
};

describe("shipped mappings against NHS's example requests", () => {
  it('classifies every shipped mapping', () => {
    const shipped = readdirSync('mappings')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''))
      .sort();
    const known = [
      ...Object.keys(EQUAL_BODY),
      ...Object.keys(EQUAL_PATH),
      ...Object.keys(NO_NHS_EQUAL),
    ].sort();
    expect(known).to.deep.equal(shipped);
  });

  for (const [id, file] of Object.entries(EQUAL_BODY)) {
    it(`${id}: the golden body equals NHS's ${file}`, () => {
      expect(golden(id).body).to.deep.equal(nhs(file));
    });
  }

  it("rri-i12-a013 and mdm-t02-a020 (A020): the golden path is NHS's, and there is no JSON body", () => {
    for (const [id, path] of Object.entries(EQUAL_PATH)) {
      expect(golden(id).path, id).to.equal(path);
      expect(golden(id).body, id).to.equal(null);
    }
    // NHS's A020 needs these two headers (422 without them).
    expect(Object.keys(golden('mdm-t02-a020').headers ?? {})).to.include.members([
      'NHSD-eRS-File-Name',
      'NHSD-eRS-Referral-ID',
    ]);
  });

  it('siu-s14-a016-defer differs from NHS only in the version and service NHS itself disagrees on', () => {
    type Body = {
      incomingReferral: { reference: string }[];
      participant: { actor: { identifier: { value: string } } }[];
    };
    const ours = golden('siu-s14-a016-defer').body as Body;
    const theirs = nhs(
      'bookOrDeferAppointment/requests/DeferralBookingAttemptProblem.json',
    ) as Body;
    expect(ours.incomingReferral[0]?.reference).to.equal('ReferralRequest/000000070000/_history/5');
    expect(ours.participant[0]?.actor.identifier.value).to.equal('11002');
    expect({
      ...ours,
      incomingReferral: theirs.incomingReferral,
      participant: theirs.participant,
    }).to.deep.equal(theirs);
  });
});
