import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import {
  headerOf,
  ifMatch,
  parameters,
  postTo,
  rejects,
  useSandbox,
  type Json,
} from './support.js';

const AG_LIST = {
  name: 'listType',
  valueCodeableConcept: {
    coding: [
      {
        system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-CommunicationListSelector-1',
        code: 'ADVICE_AND_GUIDANCE_REQUESTS',
      },
    ],
  },
};
const category = (cr: unknown) =>
  (cr as { category: { coding: { code: string }[] }[] }).category[0]?.coding[0]?.code;

describe('sandbox: Advice and Guidance (A023–A026)', () => {
  const h = useSandbox();
  const worklist = (parameter: unknown[]) =>
    h.provider.operation({
      name: '$ers.fetchworklist',
      resourceType: 'CommunicationRequest',
      input: parameters('eRS-FetchWorklist-Parameters-1', parameter) as never,
    }) as unknown as Promise<{ entry: { item: { reference: string } }[] }>;
  const respond = (ubrn: string, body: unknown, version: number | undefined) =>
    postTo(
      h.provider,
      `CommunicationRequest/${ubrn}/$ers.sendCommunicationToRequester`,
      body,
      version === undefined ? {} : ifMatch(version),
    );
  const a026 = (edit: (p: Json[]) => Json[] = (p) => p) => {
    const b = officialExample('A026_Request.json') as { parameter: Json[] };
    b.parameter = edit(b.parameter);
    return b;
  };

  it('lists the requests awaiting the provider’s response, by service (A023)', async () => {
    const all = await worklist([AG_LIST]);
    expect(all.entry.map((e) => e.item.reference)).to.include.members([
      'CommunicationRequest/000000070000',
      'CommunicationRequest/000000102287',
    ]);
    const one = await worklist([AG_LIST, { name: 'service', valueIdentifier: { value: '70000' } }]);
    expect(one.entry.map((e) => e.item.reference)).to.deep.equal([
      'CommunicationRequest/000000070000',
    ]);
  });

  it('answers A023 errors: referral list type, unknown service, role', async () => {
    const referralList = {
      name: 'listType',
      valueCodeableConcept: {
        coding: [
          {
            system: 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralListSelector-1',
            code: 'REFERRALS_FOR_REVIEW',
          },
        ],
      },
    };
    await rejects(worklist([referralList]), 422, 'INVALID_CODE');
    await rejects(
      worklist([AG_LIST, { name: 'service', valueIdentifier: { value: '99999' } }]),
      422,
      'NO_SUCH_SERVICE',
    );
    await rejects(
      h.referrer.operation({
        name: '$ers.fetchworklist',
        resourceType: 'CommunicationRequest',
        input: parameters('eRS-FetchWorklist-Parameters-1', [AG_LIST]) as never,
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('reads the A&G summary with its version as ETag; only the latest version (A024)', async () => {
    const cr = await h.referrer.read({ resourceType: 'CommunicationRequest', id: '000000070001' });
    expect(headerOf(h, cr, 'etag')).to.equal('W/"6"');
    expect(category(cr)).to.equal('REFERRER_TO_REVIEW_RESPONSE');
    await rejects(
      h.referrer.vread({ resourceType: 'CommunicationRequest', id: '000000070001', version: '5' }),
      404,
      'HISTORY_NOT_SUPPORTED',
    );
    await rejects(
      h.referrer.read({ resourceType: 'CommunicationRequest', id: '000000011111' }),
      404,
      'NO_SUCH_REQUEST',
    );
    await rejects(
      h.referrer.read({ resourceType: 'CommunicationRequest', id: '000000098888' }),
      422,
      'INVALID_REQUEST_TYPE',
    );
  });

  it('returns the conversation with its practitioner roles and files included (A025)', async () => {
    const bundle = (await h.provider.search({
      resourceType: 'Communication',
      searchParams: { 'based-on': 'CommunicationRequest/000000070001/_history/6' },
    })) as unknown as { total: number; entry: { resource: Json; search: { mode: string } }[] };
    expect(bundle.total).to.equal(2);
    expect(
      bundle.entry.map((e) => `${String(e.resource['resourceType'])}:${e.search.mode}`),
    ).to.have.members([
      'Communication:match',
      'Communication:match',
      'PractitionerRole:include',
      'PractitionerRole:include',
      'DocumentReference:include',
      'DocumentReference:include',
    ]);
  });

  it('answers A025 errors with 400: no based-on, malformed, unknown, old version', async () => {
    const search = (searchParams: Record<string, string>) =>
      h.provider.search({ resourceType: 'Communication', searchParams });
    await rejects(search({}), 400, 'MISSING_PARAMETER');
    await rejects(
      search({ 'based-on': 'CommunicationRequest/000000070001' }),
      400,
      'INVALID_VALUE',
    );
    await rejects(
      search({ 'based-on': 'CommunicationRequest/000000011111/_history/1' }),
      400,
      'NO_SUCH_REQUEST',
    );
    await rejects(
      search({ 'based-on': 'CommunicationRequest/000000070001/_history/5' }),
      400,
      'HISTORY_NOT_SUPPORTED',
    );
  });

  it('sends the official response asking for more information, then no second one (A026)', async () => {
    const answer = await respond('000000102287', a026(), 5);
    const [updated, created] = (answer['parameter'] as { resource: Json }[]).map((p) => p.resource);
    expect(category(updated)).to.equal('REFERRER_TO_SUBMIT_FURTHER_INFORMATION');
    expect(updated?.['meta']).to.deep.include({ versionId: '6' });
    expect(created?.['resourceType']).to.equal('Communication');
    expect(h.sandbox.state.binaries.get('att-102287-102727')?.linkedTo).to.equal('000000102287');
    await rejects(
      respond(
        '000000102287',
        a026((p) => p.filter((x) => x['name'] !== 'guidanceAttachmentFile')),
        6,
      ),
      422,
      'INVALID_REQUEST_STATE',
    );
  });

  it('answers A026 errors on the body, files, version and lock', async () => {
    const set = (name: string, value: Json) =>
      a026((p) => p.map((x) => (x['name'] === name ? { name, ...value } : x)));
    await rejects(
      respond('000000102287', set('guidance', { valueString: '' }), 5),
      422,
      'INVALID_VALUE',
    );
    await rejects(
      respond(
        '000000102287',
        a026((p) => p.filter((x) => x['name'] !== 'updatedPriority')),
        5,
      ),
      422,
      'MISSING_VALUE',
    );
    await rejects(
      respond(
        '000000102287',
        set('updatedPriority', { valueCoding: { code: 'TWO_WEEK_WAIT' } }),
        5,
      ),
      422,
      'UNSUPPORTED_PRIORITY',
    );
    await rejects(
      respond(
        '000000102287',
        set('guidanceOutcome', { valueCoding: { code: 'PROVIDER_CONVERTED' } }),
        5,
      ),
      422,
      'INVALID_CODE',
    );
    await rejects(
      respond(
        '000000102287',
        set('guidanceOutcome', { valueCoding: { code: 'RETURN_TO_REFERRER_WITH_ADVICE' } }),
        5,
      ),
      422,
      'VALUE_IS_REQUIRED',
    );
    await rejects(
      respond(
        '000000102287',
        a026((p) => [
          ...p,
          { name: 'guidanceIntendedRecommendation', valueCoding: { code: 'OTHER' } },
        ]),
        5,
      ),
      422,
      'INAPPROPRIATE_VALUE',
    );
    const file = (edit: (d: Json) => void) =>
      a026((p) =>
        p.map((x) => {
          if (x['name'] !== 'guidanceAttachmentFile') return x;
          const d = structuredClone(x['resource']) as Json;
          edit(d);
          return { ...x, resource: d };
        }),
      );
    await rejects(
      respond(
        '000000102287',
        file((d) => (d['type'] = { coding: [{ code: 'PROVIDER' }] })),
        5,
      ),
      422,
      'INAPPROPRIATE_VALUE',
    );
    await rejects(
      respond(
        '000000102287',
        file((d) => (d['content'] = [{ attachment: { url: 'Binary/att-102335-102817' } }])),
        5,
      ),
      422,
      'REFERENCE_NOT_FOUND',
    );
    await rejects(
      respond(
        '000000102287',
        file((d) => (d['content'] = [{ attachment: { url: 'Binary/att-70001-80001' } }])),
        5,
      ),
      422,
      'INVALID_STATE',
    );
    await rejects(
      respond(
        '000000102287',
        a026((p) => [...p, p.find((x) => x['name'] === 'guidanceAttachmentFile')!]),
        5,
      ),
      422,
      'DUPLICATE_FILENAME',
    );
    await rejects(respond('000000102287', a026(), 4), 409, 'VERSION_CONFLICT');
    await rejects(respond('000000102287', a026(), undefined), 412, 'MISSING_HEADER');
    h.sandbox.state.locked.add('000000102287');
    await rejects(respond('000000102287', a026(), 5), 423, 'REFERRAL_LOCKED');
  });

  it('returns advice to the referrer with an intended recommendation (A026)', async () => {
    const body = a026((p) => [
      ...p.filter((x) => x['name'] !== 'guidanceOutcome' && x['name'] !== 'guidanceAttachmentFile'),
      { name: 'guidanceOutcome', valueCoding: { code: 'RETURN_TO_REFERRER_WITH_ADVICE' } },
      {
        name: 'guidanceIntendedRecommendation',
        valueCoding: { code: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED' },
      },
    ]);
    const answer = await respond('000000070000', body, 2);
    expect(category((answer['parameter'] as { resource: Json }[])[0]?.resource)).to.equal(
      'REFERRER_TO_REVIEW_RESPONSE',
    );
  });
});
