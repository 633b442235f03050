import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import {
  headerOf,
  ifMatch,
  postTo,
  referralState,
  rejects,
  useSandbox,
  type Json,
} from './support.js';

describe('sandbox: convert A&G (A027), record review outcome (A028), available actions (A029)', () => {
  const h = useSandbox();
  const convert = (body: unknown) =>
    postTo(h.provider, 'ReferralRequest/$ers.createFromCommunicationRequestActionLater', body);
  const a027 = (edit: (p: Json[]) => Json[] = (p) => p) => {
    const b = officialExample('A027_Request.json') as { parameter: Json[] };
    b.parameter = edit(b.parameter);
    return b;
  };
  const noFiles = (b: { parameter: Json[] }) => ({
    ...b,
    parameter: b.parameter.filter((x) => !String(x['name']).endsWith('AttachmentFile')),
  });
  const review = (ubrn: string, body: unknown, version: number) =>
    postTo(h.provider, `ReferralRequest/${ubrn}/$ers.recordReviewOutcome`, body, ifMatch(version));
  const a028 = (edit: (p: Json[]) => Json[] = (p) => p) => {
    const b = officialExample('A028_Request.json') as { parameter: Json[] };
    b.parameter = edit(b.parameter);
    return b;
  };
  const actions = async (client: typeof h.provider, focus: string) => {
    const bundle = (await client.search({
      resourceType: 'Task',
      searchParams: { focus, intent: 'proposal', status: 'ready' },
    })) as unknown as { entry: { resource: { code: { coding: { code: string }[] } } }[] };
    return bundle.entry.map((e) => e.resource.code.coding[0]?.code);
  };

  it('converts an authorised A&G request into a referral with the same UBRN and a conversation PDF (A027)', async () => {
    const referral = await convert(a027());
    expect(referral['id']).to.equal('000000102335');
    expect(headerOf(h, referral, 'etag')).to.match(/^W\/"\d+"$/);
    expect(JSON.stringify(referral))
      .to.include('CommunicationRequest/000000102335')
      .and.include('PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER');
    const pdf = [...h.sandbox.state.binaries.values()].find(
      (b) => b.fileName === 'Advice and guidance conversation - 000000102335.pdf',
    );
    expect(pdf?.data.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(h.sandbox.state.adviceRequests.get('000000102335')?.category).to.equal(
      'ADVICE_CONVERTED',
    );
    await rejects(convert(a027()), 409, 'VERSION_CONFLICT');
  });

  it('answers A027 errors: unknown request 404, not authorised, malformed, priority, files', async () => {
    const from = (ref: string) =>
      a027((p) =>
        p.map((x) =>
          x['name'] === 'createFrom'
            ? { name: 'createFrom', valueReference: { reference: ref } }
            : x,
        ),
      );
    await rejects(
      convert(from('CommunicationRequest/000000011111/_history/1')),
      404,
      'NO_SUCH_REQUEST',
    );
    await rejects(convert(from('CommunicationRequest/000000102335')), 422, 'INVALID_VALUE');
    await rejects(
      convert(noFiles(from('CommunicationRequest/000000070001/_history/6'))),
      422,
      'INVALID_REQUEST_STATE',
    );
    await rejects(
      convert(
        a027((p) =>
          p.map((x) =>
            x['name'] === 'newReferralPriority'
              ? { ...x, valueCoding: { code: 'TWO_WEEK_WAIT' } }
              : x,
          ),
        ),
      ),
      422,
      'UNSUPPORTED_PRIORITY',
    );
    await rejects(
      convert(a027((p) => p.filter((x) => x['name'] !== 'reviewComments'))),
      422,
      'MISSING_VALUE',
    );
    await rejects(
      convert(
        a027((p) =>
          p.map((x) =>
            x['name'] === 'reviewAttachmentFile' ? { ...x, name: 'guidanceAttachmentFile' } : x,
          ),
        ),
      ),
      422,
      'INAPPROPRIATE_VALUE',
    );
    (
      h.sandbox.state.adviceRequests.get('000000102335') as { authorisedToConvert: boolean }
    ).authorisedToConvert = false;
    await rejects(convert(a027()), 422, 'INVALID_REQUEST_STATE');
  });

  it('records the official review outcome on a triage referral, once (A028)', async () => {
    const reviewed = await review('000000103946', a028(), 6);
    expect(referralState(reviewed)).to.equal('TRIAGED_PROVIDER_TO_ACTION');
    expect(headerOf(h, reviewed, 'etag')).to.equal('W/"7"');
    await rejects(review('000000103946', a028(), 7), 422, 'INVALID_REQUEST_STATE');
  });

  it('answers A028 errors: outcome, comments, priority rules, files, version and lock', async () => {
    const set = (name: string, value: Json | undefined) =>
      a028((p) => [...p.filter((x) => x['name'] !== name), ...(value ? [{ name, ...value }] : [])]);
    await rejects(
      review(
        '000000103946',
        set('reviewOutcome', { valueCoding: { code: 'CANCEL_APPOINTMENT_ACTION_LATER' } }),
        6,
      ),
      422,
      'INVALID_CODE',
    );
    await rejects(
      review('000000103946', set('reviewComments', { valueString: 'x'.repeat(2001) }), 6),
      422,
      'INVALID_VALUE',
    );
    await rejects(
      review('000000103946', set('reviewPriority', undefined), 6),
      422,
      'VALUE_IS_REQUIRED',
    );
    const back = set('reviewOutcome', { valueCoding: { code: 'RETURN_TO_REFERRER_WITH_ADVICE' } });
    back.parameter = back.parameter.map((x) =>
      x['name'] === 'reviewPriority' ? { ...x, valueCoding: { code: 'URGENT' } } : x,
    );
    await rejects(review('000000103946', back, 6), 422, 'PRIORITY_NOT_CURRENT');
    const file = set('reviewAttachmentFile', {
      resource: {
        resourceType: 'DocumentReference',
        status: 'current',
        type: { coding: [{ code: 'REFERRER' }] },
        content: [{ attachment: { url: 'Binary/x' } }],
      },
    });
    await rejects(review('000000103946', file, 6), 422, 'INAPPROPRIATE_VALUE');
    await rejects(review('000000103946', a028(), 5), 409, 'VERSION_CONFLICT');
    await rejects(review('000000070005', a028(), 2), 423, 'REFERRAL_LOCKED');
    await rejects(review('000000070002', a028(), 3), 422, 'INVALID_REQUEST_STATE');
  });

  it('returns advice to the referrer when the priority stays as it is (A028)', async () => {
    const back = a028((p) =>
      p.map((x) =>
        x['name'] === 'reviewOutcome'
          ? { ...x, valueCoding: { code: 'RETURN_TO_REFERRER_WITH_ADVICE' } }
          : x,
      ),
    );
    expect(referralState(await review('000000103946', back, 6))).to.equal('TRIAGE_RESPONSE');
  });

  it('offers each side the actions its state allows, never cached (A029)', async () => {
    expect(await actions(h.provider, 'ReferralRequest/000000103946/_history/6')).to.deep.equal([
      'RECORD_REVIEW_OUTCOME',
    ]);
    expect(await actions(h.referrer, 'ReferralRequest/000000070002/_history/3')).to.include.members(
      ['CREATE_APPOINTMENT', 'CANCEL_REFERRAL'],
    );
    expect(await actions(h.referrer, 'ReferralRequest/000000098888/_history/8')).to.include(
      'CANCEL_DIRECTLY_BOOKED_APPOINTMENT',
    );
    expect(await actions(h.provider, 'ReferralRequest/000000070002/_history/3')).to.deep.equal([]);
  });

  it('answers A029 errors with 400: no focus, malformed, intent, unknown, old version', async () => {
    const search = (searchParams: Record<string, string>) =>
      h.provider.search({ resourceType: 'Task', searchParams });
    await rejects(search({ intent: 'proposal', status: 'ready' }), 400, 'MISSING_PARAMETER');
    await rejects(
      search({ focus: 'ReferralRequest/000000103946', intent: 'proposal', status: 'ready' }),
      400,
      'INVALID_VALUE',
    );
    await rejects(
      search({
        focus: 'ReferralRequest/000000103946/_history/6',
        intent: 'order',
        status: 'ready',
      }),
      400,
      'INVALID_VALUE',
    );
    await rejects(
      search({
        focus: 'ReferralRequest/000000011111/_history/1',
        intent: 'proposal',
        status: 'ready',
      }),
      400,
      'REFERENCE_NOT_FOUND',
    );
    await rejects(
      search({
        focus: 'ReferralRequest/000000103946/_history/5',
        intent: 'proposal',
        status: 'ready',
      }),
      400,
      'HISTORY_NOT_SUPPORTED',
    );
  });
});
