import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import { headerOf, ifMatch, referralState, rejects, useSandbox, type Json } from './support.js';

interface Params {
  parameter: { name: string; valueIdentifier?: { value: string }; resource?: Json }[];
}
const shortlistOf = (body: Params) =>
  body.parameter.find((p) => p.name === 'shortlist')?.resource as {
    entry: { item: { identifier: { value: string } } }[];
  };

describe('sandbox: referrals (A005, A011, A021, A012)', () => {
  const h = useSandbox();
  const create = (name: 'createReferral' | 'createReferralAndSendForTriage', input: unknown) =>
    h.referrer.operation({
      name: `$ers.${name}`,
      resourceType: 'ReferralRequest',
      input: input as never,
    });

  it('reads a referral with its version as a weak ETag, also through _history of the latest (A005)', async () => {
    const read = await h.provider.read({ resourceType: 'ReferralRequest', id: '000000098888' });
    expect(headerOf(h, read, 'etag')).to.equal('W/"8"');
    expect(headerOf(h, read, 'x-request-id')).to.match(/-1$/);
    const latest = await h.provider.vread({
      resourceType: 'ReferralRequest',
      id: '000000098888',
      version: '8',
    });
    expect(latest.id).to.equal('000000098888');
  });

  it('answers A005 errors: old version, malformed UBRN, unknown UBRN, an A&G UBRN', async () => {
    await rejects(
      h.provider.vread({ resourceType: 'ReferralRequest', id: '000000098888', version: '7' }),
      404,
      'HISTORY_NOT_SUPPORTED',
    );
    await rejects(
      h.provider.read({ resourceType: 'ReferralRequest', id: '12345' }),
      422,
      'INVALID_VALUE',
    );
    await rejects(
      h.provider.read({ resourceType: 'ReferralRequest', id: '000000011111' }),
      422,
      'NO_SUCH_REQUEST',
    );
    await rejects(
      h.provider.read({ resourceType: 'ReferralRequest', id: '000000070001' }),
      422,
      'INVALID_REQUEST_TYPE',
    );
  });

  it('creates a referral not booked (A011) and one awaiting triage (A021), each at version 1', async () => {
    const direct = await create('createReferral', officialExample('A011_Request.json'));
    expect(referralState(direct)).to.equal('NOT_BOOKED');
    expect(headerOf(h, direct, 'etag')).to.equal('W/"1"');
    const triage = await create(
      'createReferralAndSendForTriage',
      officialExample('A021_Request.json'),
    );
    expect(referralState(triage)).to.equal('AWAITING_TRIAGE');
    expect(triage.id)
      .to.match(/^\d{12}$/)
      .and.not.equal(direct.id);
  });

  it('answers the create set of errors (A011/A021)', async () => {
    const body = () => officialExample('A011_Request.json') as Params;
    const patient = (value: string) => {
      const b = body();
      b.parameter.find((p) => p.name === 'patient')!.valueIdentifier!.value = value;
      return b;
    };
    await rejects(create('createReferral', patient('94347659')), 422, 'INVALID_VALUE');
    await rejects(create('createReferral', patient('9434765919')), 422, 'REFERENCE_NOT_FOUND');
    const missing = body();
    missing.parameter = missing.parameter.filter(
      (p) => p.name !== 'firstReminderLetterFollowUpDays',
    );
    await rejects(create('createReferral', missing), 422, 'MISSING_VALUE');
    const services = (ids: string[]) => {
      const b = body();
      const entry = shortlistOf(b).entry[0]!;
      shortlistOf(b).entry = ids.map((id) => ({
        item: { identifier: { ...entry.item.identifier, value: id } },
      }));
      return b;
    };
    await rejects(create('createReferral', services(['90636', '90636'])), 422, 'DUPLICATE_SERVICE');
    await rejects(
      create('createReferral', services(Array.from({ length: 21 }, (_, i) => String(60_000 + i)))),
      422,
      'TOO_MANY_ITEMS',
    );
    // A triage service may share an A011 shortlist (NHS's A011 RequestMixedShortlist example),
    // so only advice-only and unknown services are refused here.
    await rejects(create('createReferral', services(['70002'])), 422, 'INAPPROPRIATE_VALUE');
    await rejects(create('createReferral', services(['99999'])), 422, 'REFERENCE_NOT_FOUND');
    const triage = officialExample('A011_Request.json') as Json;
    (triage['meta'] as { profile: string[] }).profile = [
      'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateReferralAndSendForTriage-Parameters-1',
    ];
    await rejects(create('createReferralAndSendForTriage', triage), 422, 'INAPPROPRIATE_VALUE');
    await rejects(
      create('createReferral', officialExample('createreferral_request.json')),
      422,
      'UNEXPECTED_FIELD',
    );
    await rejects(
      create('createReferral', { resourceType: 'Bundle' }),
      422,
      'INVALID_FHIR_STRUCTURE',
    );
  });

  it('refuses A021 with more than one service (TOO_MANY_ITEMS) and a bad priority (INVALID_CODE)', async () => {
    const two = officialExample('A021_Request.json') as Params;
    const list = shortlistOf(two);
    list.entry.push({
      item: { identifier: { ...list.entry[0]!.item.identifier, value: '12000' } },
    });
    await rejects(create('createReferralAndSendForTriage', two), 422, 'TOO_MANY_ITEMS');
    const text = JSON.stringify(officialExample('A021_Request.json')).replace(
      '"ROUTINE"',
      '"SOON"',
    );
    await rejects(create('createReferralAndSendForTriage', JSON.parse(text)), 422, 'INVALID_CODE');
  });

  it('links only an unlinked upload of that UBRN as the referral letter (A012)', async () => {
    const link = (url: string, version: number) => {
      const body = officialExample('A012_Request.json') as {
        parameter: { resource: { content: { attachment: { url: string } }[] } }[];
      };
      body.parameter[0]!.resource.content[0]!.attachment.url = url;
      return h.referrer.operation({
        name: '$ers.maintainReferralLetter',
        resourceType: 'ReferralRequest',
        id: '000000097366',
        input: body as never,
        options: { headers: ifMatch(version) },
      });
    };
    const linked = await link('Binary/att-97366-95217', 5);
    expect(JSON.stringify(linked)).to.include('Binary/att-97366-95217');
    expect(headerOf(h, linked, 'etag')).to.equal('W/"6"');
    await rejects(link('Binary/att-97366-95217', 6), 422, 'NO_CHANGES_DETECTED');
    await rejects(link('Binary/att-98888-99120', 6), 422, 'INVALID_STATE');
    await rejects(link('Binary/att-102287-102727', 6), 422, 'INVALID_STATE');
    await rejects(link('Binary/nothing', 6), 422, 'REFERENCE_NOT_FOUND');
    await rejects(link('Binary/att-97366-95217', 5), 409, 'VERSION_CONFLICT');
  });

  it('answers A012 without If-Match 412, without letters MISSING_VALUE, when locked 423', async () => {
    const op = (id: string, input: unknown, headers: Record<string, string>) =>
      h.referrer.operation({
        name: '$ers.maintainReferralLetter',
        resourceType: 'ReferralRequest',
        id,
        input: input as never,
        options: { headers },
      });
    await rejects(
      op('000000097366', officialExample('A012_Request.json'), {}),
      412,
      'MISSING_HEADER',
    );
    const none = { ...(officialExample('A012_Request.json') as Json), parameter: [] };
    await rejects(op('000000097366', none, ifMatch(5)), 422, 'MISSING_VALUE');
    await rejects(
      op('000000070005', officialExample('A012_Request.json'), ifMatch(2)),
      423,
      'REFERRAL_LOCKED',
    );
    await rejects(
      op('000000097366', officialExample('A012_Request.json'), { 'If-Match': '5' }),
      422,
      'INVALID_VALUE',
    );
  });
});
