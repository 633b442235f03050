import { expect } from 'chai';
import type { ErsError } from '../../src/ers/ers-error.js';
import { OPERATIONS } from '../../src/ers/operations/index.js';
import { firstSlotOf, slotSearch, useSandboxClients } from './support/sandbox-clients.js';
import { officialExample, shapeOf } from '../support/fhir-shape.js';

describe('ers + sandbox: slots, booking, deferral, cancellation and worklists', () => {
  const sc = useSandboxClients(2000);

  const firstSlot = async () => {
    const bundle = await sc.slots();
    expect(bundle.total).to.equal(40);
    return firstSlotOf(bundle);
  };

  it('builds A016 book and defer bodies of the shape of the official examples', () => {
    const book = OPERATIONS.A016.build(
      OPERATIONS.A016.input.parse({
        ubrn: '000000070002',
        version: '3',
        serviceId: '70000',
        nhsNumber: '9401130264',
        action: 'book',
        slotId: '228385',
        start: '2021-02-09T09:00:00.000Z',
        end: '2021-02-09T09:30:00.000Z',
      }),
    );
    const official = shapeOf(officialExample('A016_Request_BOOK.json'));
    expect(shapeOf(book.body).paths).to.include.members(
      official.paths.filter((p) => !p.startsWith('participant.actor.identifier.value')),
    );
    // NHS's contract adds the id "appointment" and the eRS-Appointment-1 profile.
    expect(book.body).to.deep.include({ id: 'appointment' });
    expect(shapeOf(book.body).profiles).to.include(
      'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-Appointment-1',
    );
    const defer = OPERATIONS.A016.build(
      OPERATIONS.A016.input.parse({
        ubrn: '000000070004',
        version: '3',
        serviceId: '70000',
        nhsNumber: '9401130264',
        action: 'defer',
        deferReason: 'SLOT_NOT_AVAILABLE',
        slotId: '228340',
        comment: 'Comment',
      }),
    );
    const deferShape = shapeOf(defer.body);
    const legacyDefer = shapeOf(officialExample('A016_Request_DEFER.json'));
    expect(deferShape.paths.filter((p) => p !== 'id')).to.deep.equal(legacyDefer.paths);
    const a022 = OPERATIONS.A022.build(
      OPERATIONS.A022.input.parse({
        ubrn: '000000070001',
        version: '11',
        comments: 'Send to another service',
        priority: 'TWO_WEEK_WAIT',
      }),
    );
    // The platform's profile (NHS's contract), not the legacy example's "-Operation-1".
    expect(shapeOf(a022.body).profiles).to.deep.equal([
      'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-cancelAppointmentActionLater-Parameters-1',
    ]);
    // appointmentCancelledInPAS only when the input says so.
    expect(shapeOf(a022.body).parameterNames).to.deep.equal(['comments', 'priority']);
  });

  it('books the first free slot, which is then gone, and the provider cancels it (A015, A016, A022)', async () => {
    const { ubrn, version } = await sc.createDirect();
    const slot = await firstSlot();
    const booked = await sc.referrer.execute('A016', {
      ubrn,
      version,
      serviceId: '10000',
      nhsNumber: '9912003888',
      action: 'book',
      slotId: slot.id,
      start: slot.start,
      end: slot.end,
    });
    expect(booked.status).to.equal(201);
    expect(sc.sandbox.state.referrals.get(ubrn!)?.state).to.equal('BOOKED');
    expect(
      (
        (await sc.referrer.execute('A015', { serviceId: '10000', ...slotSearch })).resource as {
          total: number;
        }
      ).total,
    ).to.equal(39);
    const again = await sc.referrer
      .execute('A016', {
        ubrn,
        version: '2',
        serviceId: '10000',
        nhsNumber: '9912003888',
        action: 'book',
        slotId: slot.id,
        start: slot.start,
        end: slot.end,
      })
      .catch((e: unknown) => e);
    expect((again as ErsError).ersCodes).to.deep.equal(['INVALID_REQUEST_STATE']);
    await sc.provider.execute('A022', { ubrn, version: '2', comments: 'Clinic cancelled' });
    expect(sc.sandbox.state.referrals.get(ubrn!)?.state).to.equal('TRIAGED_PROVIDER_TO_ACTION');
    expect(sc.sandbox.state.slots.get(slot.id)?.status).to.equal('free');
  });

  it('refuses a stale version (409, transient) and a slot that is not free', async () => {
    const { ubrn } = await sc.createDirect();
    const slot = await firstSlot();
    const stale = (await sc.referrer
      .execute('A016', {
        ubrn,
        version: '7',
        serviceId: '10000',
        nhsNumber: '9912003888',
        action: 'book',
        slotId: slot.id,
        start: slot.start,
        end: slot.end,
      })
      .catch((e: unknown) => e)) as ErsError;
    expect(stale.status).to.equal(409);
    expect(stale.retry).to.equal('transient');
    sc.sandbox.state.slots.get(slot.id)!.status = 'busy';
    const taken = (await sc.referrer
      .execute('A016', {
        ubrn,
        version: '1',
        serviceId: '10000',
        nhsNumber: '9912003888',
        action: 'book',
        slotId: slot.id,
        start: slot.start,
        end: slot.end,
      })
      .catch((e: unknown) => e)) as ErsError;
    expect(taken.ersCodes).to.deep.equal(['SLOT_NOT_AVAILABLE']);
  });

  it('defers to the provider and lists the referral on the slot-issues worklist (A008)', async () => {
    const { ubrn, version } = await sc.createDirect();
    await sc.referrer.execute('A016', {
      ubrn,
      version,
      serviceId: '10000',
      nhsNumber: '9912003888',
      action: 'defer',
      deferReason: 'NO_SLOTS_AT_SERVICE',
    });
    const list = (
      await sc.provider.execute('A008', { listType: 'APPOINTMENT_SLOT_ISSUES', serviceId: '10000' })
    ).resource as { entry: { item: { reference: string } }[] };
    expect(list.entry.map((e) => e.item.reference)).to.deep.equal([`ReferralRequest/${ubrn}`]);
    const official = shapeOf(officialExample('A008_Response.json'));
    expect(shapeOf(list).profiles).to.include.members(
      official.profiles.filter((p) => p.includes('FetchWorklist')),
    );
  });

  it('lists referrals awaiting triage for review (A008 REFERRALS_FOR_REVIEW)', async () => {
    const { ubrn } = (
      await sc.referrer.execute('A021', {
        nhsNumber: '9912003888',
        priority: 'URGENT',
        serviceIds: ['12000'],
      })
    ).output;
    const list = (await sc.provider.execute('A008', { listType: 'REFERRALS_FOR_REVIEW' }))
      .resource as { entry: { item: { reference: string } }[] };
    expect(list.entry.map((e) => e.item.reference)).to.include(`ReferralRequest/${ubrn}`);
  });
});

describe('ers + sandbox: A019 patient letter', () => {
  const sc = useSandboxClients(10_000);

  it('returns a real PDF for an unbooked referral and names the file', async () => {
    const { ubrn } = await sc.createDirect();
    const letter = await sc.referrer.execute('A019', { ubrn });
    expect(letter.bytes?.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(letter.output['fileName']).to.match(
      new RegExp(`^${ubrn!}_Appointment_Request_\\d{14}\\.pdf$`),
    );
  });

  it('refuses the letter for a booked referral with INVALID_REQUEST_STATE', async () => {
    const { ubrn, version } = await sc.createDirect();
    const slot = [...sc.sandbox.state.slots.values()].find(
      (s) => s.serviceId === '10000' && s.status === 'free',
    )!;
    await sc.referrer.execute('A016', {
      ubrn,
      version,
      serviceId: '10000',
      nhsNumber: '9912003888',
      action: 'book',
      slotId: slot.id,
      start: slot.start,
      end: slot.end,
    });
    const error = (await sc.referrer
      .execute('A019', { ubrn })
      .catch((e: unknown) => e)) as ErsError;
    expect(error.ersCodes).to.deep.equal(['INVALID_REQUEST_STATE']);
  });
});
