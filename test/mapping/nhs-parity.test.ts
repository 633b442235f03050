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
  // The PAS sends e-RS's slot id (SCH-1 ^ERS) and the version it holds (ZRF-7), as NHS's examples do.
  'siu-s12-a016': 'bookOrDeferAppointment/requests/MinimalBooking.json',
  'siu-s14-a016-defer': 'bookOrDeferAppointment/requests/DeferralBookingAttemptProblem.json',
};

/** Mappings whose request NHS's sandbox selects by path and headers alone (no JSON body). */
const EQUAL_PATH: Readonly<Record<string, string>> = {
  'mdm-t02-a020': '/Binary',
};

/**
 * Mappings no NHS example equals, and why (NHS's sandbox answers them 422). Each is a fact of
 * NHS's examples, not of our builders: see docs/mapping.md "Against NHS's sandbox".
 */
const NO_NHS_EQUAL: Readonly<Record<string, string>> = {
  'rri-i12-a013':
    "the sample accepts 000000070001, booked at DBS 11002 (NHS's A005 BookedDBS): the spec allows A013 only for a referral booked and awaiting review. NHS's A013 answers only 000000070000, which its own A005 shows NOT_BOOKED",
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

  it("mdm-t02-a020 (A020): the golden path is NHS's, and there is no JSON body", () => {
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
});
