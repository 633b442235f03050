/**
 * Sandbox state rules held to NHS's examples in NHS's world (decision 131): A016 books off the
 * shortlist (NHS's MinimalBooking books 11000 on 000000070000, whose shortlist is 11002); the
 * world's today is 12 June 2021, so NHS's booked referral 000000070001 (13 June) is pending
 * review and A013 accepts it. (A027 WithAttachments: test/sandbox/contract, scenario #87.)
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { PLATFORM } from './support.js';

const MOCKS = join(import.meta.dirname, '..', 'fixtures', 'nhs-contract', 'mocks');
const RC = 'REFERRING_CLINICIAN';
const SPC = 'SERVICE_PROVIDER_CLINICIAN';

describe("sandbox: NHS world rules agree with NHS's examples", () => {
  let sandbox: RunningSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ world: 'nhs' });
  });
  afterEach(() => sandbox.close());

  const post = (path: string, bf: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${sandbox.url}/FHIR/STU3${path}`, {
      method: 'POST',
      headers: { ...PLATFORM(bf, extra), 'Content-Type': 'application/fhir+json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("A016 books NHS's MinimalBooking (11000, not on 000000070000's shortlist) at the current version", async () => {
    const body = JSON.parse(
      readFileSync(join(MOCKS, 'bookOrDeferAppointment/requests/MinimalBooking.json'), 'utf8'),
    ) as { incomingReferral: { reference: string }[] };
    body.incomingReferral[0]!.reference = 'ReferralRequest/000000070000/_history/5';
    const res = await post('/Appointment', RC, body);
    expect(res.status, await res.clone().text()).to.equal(201);
    expect(sandbox.state.referrals.get('000000070000')?.state).to.equal('BOOKED');
  });

  it('A016 still refuses a service the world does not have', async () => {
    const body = JSON.parse(
      readFileSync(join(MOCKS, 'bookOrDeferAppointment/requests/MinimalBooking.json'), 'utf8'),
    ) as {
      incomingReferral: { reference: string }[];
      participant: { actor: { identifier: { value: string } } }[];
    };
    body.incomingReferral[0]!.reference = 'ReferralRequest/000000070000/_history/5';
    body.participant[0]!.actor.identifier.value = '99999';
    const res = await post('/Appointment', RC, body);
    expect(res.status).to.equal(422);
    expect(await res.text()).to.include('REFERENCE_NOT_FOUND');
  });

  it("A013 accepts 000000070001, booked for 13 June 2021: pending review on the world's today", async () => {
    const res = await post('/ReferralRequest/000000070001/$ers.acceptReferral', SPC, undefined, {
      'If-Match': 'W/"5"',
    });
    expect(res.status, await res.clone().text()).to.equal(200);
  });

  it('A013 still refuses 000000070000, which NHS’s A005 shows NOT_BOOKED', async () => {
    const res = await post('/ReferralRequest/000000070000/$ers.acceptReferral', SPC, undefined, {
      'If-Match': 'W/"5"',
    });
    expect(res.status).to.equal(422);
    expect(await res.text()).to.include('INVALID_REQUEST_STATE');
  });
});
