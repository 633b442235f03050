import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { headerOf, ifMatch, referralState, rejects, useSandbox, type Json } from './support.js';

describe('sandbox: provider review (A013 accept, A014 reject)', () => {
  const h = useSandbox();
  const accept = (ubrn: string, headers: Record<string, string>) =>
    h.provider.operation({
      name: '$ers.acceptReferral',
      resourceType: 'ReferralRequest',
      id: ubrn,
      options: { headers },
    });
  const reject = (ubrn: string, input: unknown, version: number) =>
    h.provider.operation({
      name: '$ers.rejectReferral',
      resourceType: 'ReferralRequest',
      id: ubrn,
      input: input as never,
      options: { headers: ifMatch(version) },
    });

  it('accepts a booked appointment pending review once; it stays booked (A013)', async () => {
    const accepted = await accept('000000098879', ifMatch(10));
    expect(referralState(accepted)).to.equal('BOOKED');
    expect(headerOf(h, accepted, 'etag')).to.equal('W/"11"');
    await rejects(accept('000000098879', ifMatch(11)), 422, 'INVALID_REQUEST_STATE');
  });

  it('accepts a referral awaiting triage, which the provider then actions (A013)', async () => {
    expect(referralState(await accept('000000097366', ifMatch(5)))).to.equal(
      'TRIAGED_PROVIDER_TO_ACTION',
    );
  });

  it('answers A013 errors: stale version 409, no If-Match 412, not pending review, locked 423', async () => {
    await rejects(accept('000000098879', ifMatch(9)), 409, 'VERSION_CONFLICT');
    await rejects(accept('000000098879', {}), 412, 'MISSING_HEADER');
    await rejects(accept('000000070002', ifMatch(3)), 422, 'INVALID_REQUEST_STATE');
    await rejects(accept('000000098888', ifMatch(8)), 422, 'INVALID_REQUEST_STATE');
    await rejects(accept('000000070005', ifMatch(2)), 423, 'REFERRAL_LOCKED');
  });

  it('rejects an indirectly booked appointment with the official IBS body, cancelling it (A014)', async () => {
    const rejected = await reject('000000098880', officialExample('A014_Request_IBS.json'), 9);
    expect(referralState(rejected)).to.equal('REJECTED');
    expect(JSON.stringify(rejected)).to.include('"status":"cancelled"');
    await rejects(
      reject('000000098880', officialExample('A014_Request_IBS.json'), 10),
      422,
      'INVALID_REQUEST_STATE',
    );
  });

  it('answers A014 errors: unknown reason, PAS flag missing for IBS or given for DBS, long comments', async () => {
    const body = (edit: (p: Json[]) => Json[]) => {
      const b = officialExample('A014_Request_IBS.json') as { parameter: Json[] };
      b.parameter = edit(b.parameter);
      return b;
    };
    const reason = body((p) =>
      p.map((x) =>
        x['name'] === 'rejectionReason' ? { ...x, valueCoding: { code: 'BORED' } } : x,
      ),
    );
    await rejects(reject('000000098880', reason, 9), 422, 'INVALID_CODE');
    const noPas = body((p) => p.filter((x) => x['name'] !== 'appointmentCancelledInPAS'));
    await rejects(reject('000000098880', noPas, 9), 422, 'VALUE_IS_REQUIRED');
    await rejects(
      reject('000000098881', officialExample('A014_Request_IBS.json'), 9),
      422,
      'FIELD_NOT_PERMITTED',
    );
    const long = body((p) =>
      p.map((x) =>
        x['name'] === 'rejectionComments' ? { ...x, valueString: 'x'.repeat(2001) } : x,
      ),
    );
    await rejects(reject('000000098880', long, 9), 422, 'INVALID_VALUE');
    expect(
      referralState(await reject('000000098881', officialExample('A014_Request_DBS.json'), 9)),
    ).to.equal('REJECTED');
  });
});
