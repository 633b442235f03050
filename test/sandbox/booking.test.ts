import { expect } from 'chai';
import { officialExample } from '../support/fhir-shape.js';
import {
  headerOf,
  ifMatch,
  parameters,
  referralState,
  rejects,
  useSandbox,
  type Json,
} from './support.js';

describe('sandbox: slots, book or defer, cancel action later (A015, A016, A022)', () => {
  const h = useSandbox();
  const slots = (searchParams: Record<string, string>) =>
    h.referrer.search({
      resourceType: 'Slot',
      searchParams: { appointmentType: 'ROUTINE', ...searchParams },
    }) as unknown as Promise<{
      total: number;
      entry: { resource: { id: string } }[];
      link: { relation: string }[];
    }>;
  const book = (body: unknown) =>
    h.referrer.create({ resourceType: 'Appointment', body: body as never });
  const bookBody = (edit: (b: Json) => void = () => undefined) => {
    const b = officialExample('A016_Request_BOOK.json') as Json;
    edit(b);
    return b;
  };

  it('pages the free slots of a directly bookable service, schedules included (A015)', async () => {
    const page = await slots({
      'schedule.actor:HealthcareService': '70000',
      status: 'free',
      _count: '5',
    });
    expect(page.total).to.equal(42);
    expect(page.entry).to.have.length(6);
    expect(page.link.map((l) => l.relation)).to.deep.equal(['self', 'next']);
  });

  it('answers A015 errors: missing service, unknown, not bookable, status, count, page', async () => {
    await rejects(slots({}), 400, 'MISSING_PARAMETER');
    await rejects(slots({ 'schedule.actor:HealthcareService': '99999' }), 400, 'NO_SUCH_SERVICE');
    await rejects(slots({ 'schedule.actor:HealthcareService': '11002' }), 400, 'INVALID_STATE');
    await rejects(
      slots({ 'schedule.actor:HealthcareService': '70000', status: 'busy' }),
      400,
      'INVALID_VALUE',
    );
    await rejects(
      slots({ 'schedule.actor:HealthcareService': '70000', _count: '101' }),
      400,
      'INVALID_VALUE',
    );
    await rejects(
      slots({ 'schedule.actor:HealthcareService': '70000', page: '99' }),
      400,
      'INVALID_VALUE',
    );
  });

  it('books the official slot once; the slot is then taken and the referral booked (A016)', async () => {
    const booked = await book(bookBody());
    expect(headerOf(h, booked, 'etag')).to.equal('W/"4"');
    const read = await h.referrer.read({ resourceType: 'ReferralRequest', id: '000000070002' });
    expect(referralState(read)).to.equal('BOOKED');
    expect(h.sandbox.state.slots.get('228385')?.status).to.equal('busy');
    await rejects(book(bookBody()), 409, 'VERSION_CONFLICT');
  });

  it('answers A016 errors for bad references, services, slots, reasons and states', async () => {
    const ref = (r: string) =>
      bookBody((b) => ((b['incomingReferral'] as { reference: string }[])[0]!.reference = r));
    await rejects(book(ref('ReferralRequest/000000070002')), 422, 'MISSING_VALUE');
    await rejects(book(ref('ReferralRequest/000000011111/_history/1')), 422, 'NO_SUCH_REQUEST');
    await rejects(
      book(ref('ReferralRequest/000000097366/_history/5')),
      422,
      'INVALID_REQUEST_STATE',
    );
    const slot = (s: string) =>
      bookBody((b) => ((b['slot'] as { reference: string }[])[0]!.reference = s));
    await rejects(book(slot('Slot/228000')), 422, 'INAPPROPRIATE_SLOT');
    await rejects(
      book(bookBody((b) => (b['start'] = '2021-02-09T11:00:00.000Z'))),
      422,
      'INAPPROPRIATE_SLOT',
    );
    h.sandbox.state.slots.get('228385')!.status = 'busy';
    await rejects(book(bookBody()), 422, 'SLOT_NOT_AVAILABLE');
    const participant = (value: string) =>
      bookBody(
        (b) =>
          ((
            b['participant'] as { actor: { identifier: { value: string } } }[]
          )[1]!.actor.identifier.value = value),
      );
    await rejects(book(participant('9912003888')), 422, 'INAPPROPRIATE_VALUE');
    await rejects(book(bookBody((b) => (b['status'] = 'pending'))), 422, 'INVALID_CODE');
    await rejects(book({ resourceType: 'Basic' }), 422, 'INVALID_FHIR_STRUCTURE');
    const defer = officialExample('A016_Request_DEFER.json') as {
      reason: { coding: { code: string }[] }[];
    };
    defer.reason[0]!.coding[0]!.code = 'NO_SLOTS_AT_SERVICE';
    await rejects(book(defer), 422, 'INAPPROPRIATE_VALUE');
    defer.reason[0]!.coding[0]!.code = 'BORED';
    await rejects(book(defer), 422, 'INVALID_CODE');
    h.sandbox.state.locked.add('000000070002');
    await rejects(book(slot('Slot/228385')), 423, 'REFERRAL_LOCKED');
  });

  it('defers to the provider with the official body; the slot is not echoed back (A016)', async () => {
    const deferred = (await book(officialExample('A016_Request_DEFER.json'))) as Json;
    expect(deferred['status']).to.equal('proposed');
    expect(deferred['slot']).to.equal(undefined);
    expect(
      referralState(await h.referrer.read({ resourceType: 'ReferralRequest', id: '000000070004' })),
    ).to.equal('DEFERRED_TO_PROVIDER');
  });

  it('cancels with the official A022 body, attaching the provider files', async () => {
    const cancelled = await h.provider.operation({
      name: '$ers.cancelAppointmentActionLater',
      resourceType: 'ReferralRequest',
      id: '000000070003',
      input: officialExample('A022_Request.json') as never,
      options: { headers: ifMatch(10) },
    });
    expect(JSON.stringify(cancelled)).to.include('Binary/att-70001-70002');
  });

  it('cancels a booked appointment for the provider to action later, once (A022)', async () => {
    const cancel = (version: number, comments = 'Clinic cancelled') =>
      h.provider.operation({
        name: '$ers.cancelAppointmentActionLater',
        resourceType: 'ReferralRequest',
        id: '000000070003',
        input: parameters('eRS-cancelAppointmentActionLater-Operation-1', [
          { name: 'comments', valueString: comments },
        ]) as never,
        options: { headers: ifMatch(version) },
      });
    await rejects(cancel(10, 'x'.repeat(2001)), 422, 'INVALID_VALUE');
    await rejects(cancel(9), 409, 'VERSION_CONFLICT');
    const withParams = (extra: unknown[]) =>
      h.provider.operation({
        name: '$ers.cancelAppointmentActionLater',
        resourceType: 'ReferralRequest',
        id: '000000070003',
        input: parameters('eRS-cancelAppointmentActionLater-Operation-1', [
          { name: 'comments', valueString: 'c' },
          ...extra,
        ]) as never,
        options: { headers: ifMatch(10) },
      });
    await rejects(
      withParams([{ name: 'priority', valueCoding: { code: 'SOON' } }]),
      422,
      'INVALID_CODE',
    );
    const referrerFile = {
      name: 'providerAttachmentFile',
      resource: {
        resourceType: 'DocumentReference',
        status: 'current',
        type: { coding: [{ code: 'REFERRER' }] },
        content: [{ attachment: { url: 'Binary/att-70001-70001' } }],
      },
    };
    await rejects(withParams([referrerFile]), 422, 'INAPPROPRIATE_VALUE');
    // NHS's A022 examples: Triaged - Provider To Action (was APPT_CANCELLED_BY_PROVIDER).
    expect(referralState(await cancel(10))).to.equal('TRIAGED_PROVIDER_TO_ACTION');
    await rejects(cancel(11), 422, 'INVALID_REQUEST_STATE');
  });
});
