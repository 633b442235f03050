import { Router } from 'express';
import { PRIORITIES, SYSTEM } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { appointmentResource } from '../referral-resource.js';
import { searchset } from '../resources.js';
import type { Referral, SandboxState } from '../state.js';
import { attachedFiles, linkFiles } from './files.js';
import { assertUnlocked, findReferral, sendReferral } from './respond.js';
import { checkVersion, param, parametersOf, stringValue } from './parameters.js';

/** Review reasons of a deferral; TRIAGE sends the referral to a referral assessment service. */
const DEFER_REASONS = [
  'NO_SLOTS_AT_SERVICE',
  'SLOT_NOT_AVAILABLE',
  'BOOKING_ATTEMPT_PROBLEM',
  'TRIAGE',
];

interface AppointmentBody {
  resourceType?: string;
  status?: string;
  start?: string;
  end?: string;
  comment?: string;
  slot?: { reference?: string }[];
  reason?: { coding?: { code?: string }[] }[];
  incomingReferral?: { reference?: string }[];
  participant?: {
    actor?: { identifier?: { system?: string; value?: string | null } };
    type?: { coding?: { code?: string }[] }[] | { coding?: { code?: string }[] };
  }[];
}

const participant = (a: AppointmentBody, system: string): string | undefined =>
  a.participant?.map((p) => p.actor?.identifier).find((i) => i?.system === system)?.value ??
  undefined;

/** A016 book (status booked, a free slot of a DBS) or defer (status proposed + reason). */
function bookOrDefer(
  state: SandboxState,
  a: AppointmentBody,
): { referral: Referral; body: Record<string, unknown> } {
  if (a.resourceType !== 'Appointment')
    throw new SandboxError(422, 'INVALID_FHIR_STRUCTURE', 'body must be an Appointment');
  const ref = /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(
    a.incomingReferral?.[0]?.reference ?? '',
  );
  if (!ref)
    throw new SandboxError(
      422,
      'MISSING_VALUE',
      'incomingReferral must be ReferralRequest/{ubrn}/_history/{version}',
    );
  const referral = findReferral(state, ref[1]);
  assertUnlocked(state, referral.ubrn);
  if (Number(ref[2]) !== referral.version)
    throw new SandboxError(
      409,
      'VERSION_CONFLICT',
      `version ${ref[2] ?? ''} is not the latest (${referral.version})`,
    );
  if (referral.state !== 'NOT_BOOKED')
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `referral is ${referral.state}; only an unbooked referral can be booked or deferred`,
    );
  // Any service of the world, not only the shortlist's: the spec sets no shortlist rule for A016,
  // and NHS's MinimalBooking books 11000 on 000000070000, whose shortlist (its A005) is 11002.
  const serviceId = participant(a, SYSTEM.ersService);
  if (serviceId === undefined || !state.services.has(serviceId))
    throw new SandboxError(
      422,
      'REFERENCE_NOT_FOUND',
      `service ${serviceId ?? '(none)'} is not an e-RS service`,
    );
  const nhs = participant(a, SYSTEM.nhsNumber);
  if (nhs !== undefined && nhs !== referral.nhsNumber)
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      'the patient participant is not the referral’s patient',
    );
  const slotId = /^Slot\/(\w+)$/.exec(a.slot?.[0]?.reference ?? '')?.[1];
  // A named clinician (participant sds-user-id, type CON) books that clinician's slot.
  const clinician = participant(a, SYSTEM.sdsUserId);
  const appointmentId = state.newAppointmentId();
  const created = new Date().toISOString();
  if (a.status === 'booked') {
    const service = state.services.get(serviceId);
    if (service?.kind !== 'DIRECTLY_BOOKABLE')
      throw new SandboxError(422, 'INVALID_STATE', `service ${serviceId} is not directly bookable`);
    const slot = slotId === undefined ? undefined : state.slots.get(slotId);
    if (!slot || slot.serviceId !== serviceId)
      throw new SandboxError(
        422,
        'INAPPROPRIATE_SLOT',
        `slot ${slotId ?? '(none)'} does not belong to service ${serviceId}`,
      );
    if (slot.status !== 'free')
      throw new SandboxError(422, 'SLOT_NOT_AVAILABLE', `slot ${slot.id} is no longer available`);
    if (a.start !== undefined && Date.parse(a.start) !== Date.parse(slot.start))
      throw new SandboxError(422, 'INAPPROPRIATE_SLOT', 'start does not match the slot');
    if (
      clinician !== undefined &&
      slot.schedule?.clinician !== undefined &&
      slot.schedule.clinician !== clinician
    )
      throw new SandboxError(
        422,
        'INAPPROPRIATE_SLOT',
        `slot ${slot.id} is not a slot of clinician ${clinician}`,
      );
    slot.status = 'busy';
    referral.state = 'BOOKED';
    referral.appointment = {
      id: appointmentId,
      status: 'booked',
      slotId: slot.id,
      serviceId,
      start: slot.start,
      end: slot.end,
      created,
      ...(clinician === undefined ? {} : { clinician }),
    };
    referral.pathwayStart ??= created;
  } else if (a.status === 'proposed') {
    const reason = a.reason?.[0]?.coding?.[0]?.code;
    if (reason === undefined || !DEFER_REASONS.includes(reason))
      throw new SandboxError(
        422,
        'INVALID_CODE',
        `defer reason must be one of ${DEFER_REASONS.join(', ')}`,
      );
    if ((slotId !== undefined) !== (reason === 'SLOT_NOT_AVAILABLE'))
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        'a slot is given exactly when the reason is SLOT_NOT_AVAILABLE',
      );
    if ((a.comment ?? '').length > 1000)
      throw new SandboxError(422, 'INVALID_VALUE', 'comment is longer than 1000 characters');
    const triage = state.services.get(serviceId)?.kind === 'TRIAGE';
    if (triage !== (reason === 'TRIAGE'))
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        triage
          ? `service ${serviceId} is a referral assessment service: defer with reason TRIAGE`
          : `reason TRIAGE needs a referral assessment service, not ${serviceId}`,
      );
    referral.state = triage ? 'AWAITING_TRIAGE' : 'DEFERRED_TO_PROVIDER';
    referral.appointment = {
      id: appointmentId,
      status: 'proposed',
      serviceId,
      reason,
      created,
      ...(a.comment ? { comment: a.comment } : {}),
    };
    if (triage) referral.pathwayStart ??= created;
  } else {
    throw new SandboxError(
      422,
      'INVALID_CODE',
      `status must be booked or proposed, not ${a.status ?? '(none)'}`,
    );
  }
  referral.version += 1;
  state.keepAppointment(referral.ubrn, referral.appointment);
  const body = appointmentResource(
    referral,
    referral.appointment,
    state.services.get(serviceId)?.name ?? serviceId,
    { id: appointmentId, versionId: state.appointments.get(appointmentId)?.version ?? 1 },
  );
  return { referral, body };
}

export function bookingRoutes(state: SandboxState): Router {
  const r = Router();
  // A015: free slots of a directly bookable service, paged.
  r.get('/Slot', allow(state, [ROLE.RC, ROLE.RCA]), (req, res) => {
    const serviceId = stringValue(req.query['schedule.actor:HealthcareService']);
    if (serviceId === '')
      throw new SandboxError(
        400,
        'MISSING_PARAMETER',
        'schedule.actor:HealthcareService is required',
      );
    const service = state.services.get(serviceId);
    if (!service) throw new SandboxError(400, 'NO_SUCH_SERVICE', `no service ${serviceId}`);
    if (service.kind !== 'DIRECTLY_BOOKABLE')
      throw new SandboxError(400, 'INVALID_STATE', `service ${serviceId} is not directly bookable`);
    if (req.query['status'] !== undefined && req.query['status'] !== 'free')
      throw new SandboxError(400, 'INVALID_VALUE', 'status must be free');
    // Required by the spec (NHS's own sandbox does not check them): the referral's priority as
    // appointmentType, and on the platform the commissioning-rule organisation header.
    const appointmentType = stringValue(req.query['appointmentType']);
    if (appointmentType === '')
      throw new SandboxError(400, 'MISSING_PARAMETER', 'appointmentType is required', 'required');
    if (!(PRIORITIES as readonly string[]).includes(appointmentType))
      throw new SandboxError(
        400,
        'INVALID_VALUE',
        `appointmentType ${appointmentType} is not in eRS-Priority-1`,
      );
    if (res.locals['flavour'] === 'platform' && !req.get('nhsd-ers-comm-rule-org'))
      throw new SandboxError(
        400,
        'MISSING_HEADER',
        'NHSD-eRS-Comm-Rule-Org header is required',
        'required',
      );
    const practitioner = stringValue(req.query['schedule.actor:Practitioner']);
    const count = Number(req.query['_count'] ?? 20);
    const page = Number(req.query['page'] ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > 100)
      throw new SandboxError(400, 'INVALID_VALUE', '_count must be 1–100');
    const free = [...state.slots.values()].filter(
      (s) =>
        s.serviceId === serviceId &&
        s.status === 'free' &&
        (practitioner === '' || s.schedule?.clinician === practitioner),
    );
    if (!Number.isInteger(page) || page < 1 || (page > 1 && (page - 1) * count >= free.length))
      throw new SandboxError(400, 'INVALID_VALUE', 'page is out of range');
    // USRN-style alternative slot id as e-RS shows it: date-start-end-seq-service.
    const usrn = (slot: { start: string; end: string; id: string }): string =>
      `${slot.start.slice(0, 10).replaceAll('-', '')}-${slot.start.slice(11, 16).replace(':', '')}-${slot.end.slice(11, 16).replace(':', '')}-${slot.id.slice(-4)}-${serviceId.padStart(12, '0')}`;
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const query = (p: number): string =>
      `${base}/Slot?${new URLSearchParams({ ...(practitioner ? { 'schedule.actor:Practitioner': practitioner } : {}), 'schedule.actor:HealthcareService': serviceId, appointmentType, _count: String(count), status: 'free', _include: 'Slot:schedule', page: String(p) }).toString()}`;
    const shown = free.slice((page - 1) * count, page * count);
    // The schedules of the slots shown: the service's own, or a clinician's within it.
    const schedules = new Map(
      shown.map((s) => [s.schedule?.id ?? serviceId, s.schedule?.clinician] as const),
    );
    const bundle = searchset({
      selfUrl: query(page),
      base,
      total: free.length,
      entries: [
        ...shown.map((s) => ({
          resource: {
            resourceType: 'Slot',
            id: s.id,
            meta: {
              profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Slot-1'],
            },
            identifier: [{ system: 'https://fhir.nhs.uk/Id/alternative-slot', value: usrn(s) }],
            schedule: { reference: `Schedule/${s.schedule?.id ?? serviceId}` },
            status: 'free',
            start: s.start,
            end: s.end,
          },
          mode: 'match' as const,
        })),
        ...[...schedules].map(([id, clinician]) => ({
          resource: {
            resourceType: 'Schedule',
            id,
            meta: {
              profile: ['https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Schedule-1'],
            },
            identifier: [{ system: 'https://fhir.nhs.uk/Id/ers-schedule', value: id }],
            actor: [
              { identifier: { system: SYSTEM.ersService, value: serviceId } },
              ...(clinician
                ? [{ identifier: { system: SYSTEM.sdsUserId, value: clinician } }]
                : []),
            ],
          },
          mode: 'include' as const,
        })),
      ],
    });
    const links = bundle['link'] as { relation: string; url: string }[];
    if (page > 1) links.push({ relation: 'previous', url: query(page - 1) });
    if (page * count < free.length) links.push({ relation: 'next', url: query(page + 1) });
    res.type('application/fhir+json').json(bundle);
  });
  r.post('/Appointment', allow(state, [ROLE.RC, ROLE.RCA]), (req, res) => {
    const { referral, body } = bookOrDefer(state, req.body as AppointmentBody);
    res.status(201).set('ETag', `W/"${referral.version}"`).type('application/fhir+json').json(body);
  });
  // A022: the provider cancels a booked appointment and will act later.
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.cancelAppointmentActionLater',
    allow(state, [ROLE.SPC, ROLE.SPCA]),
    (req, res) => {
      const referral = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, referral.ubrn);
      checkVersion(req.get('if-match'), referral.version);
      // NHS's profile; the older official example's `-Operation-1` name is still taken.
      const params = parametersOf(req.body, [
        'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-cancelAppointmentActionLater-Parameters-1',
        'https://fhir.nhs.uk/STU3/StructureDefinition/eRS-cancelAppointmentActionLater-Operation-1',
      ]);
      const comments = stringValue(param(params, 'comments', true)['valueString']);
      if (comments.length > 2000)
        throw new SandboxError(422, 'INVALID_VALUE', 'comments is longer than 2000 characters');
      const priority = (param(params, 'priority')?.['valueCoding'] as { code?: string } | undefined)
        ?.code;
      if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority))
        throw new SandboxError(
          422,
          'INVALID_CODE',
          `priority ${priority} is not in eRS-Priority-1`,
        );
      const kind = state.services.get(referral.appointment?.serviceId ?? '')?.kind;
      if (kind === 'INDIRECTLY_BOOKABLE' && !param(params, 'appointmentCancelledInPAS'))
        throw new SandboxError(
          422,
          'VALUE_IS_REQUIRED',
          'appointmentCancelledInPAS is required for an indirectly bookable service',
        );
      const files = attachedFiles(state, params, {
        name: 'providerAttachmentFile',
        type: 'PROVIDER',
        ubrn: referral.ubrn,
      });
      if (referral.state !== 'BOOKED' || !referral.appointment)
        throw new SandboxError(
          422,
          'INVALID_REQUEST_STATE',
          `referral is ${referral.state}; only a booked appointment can be cancelled`,
        );
      const slot = referral.appointment.slotId
        ? state.slots.get(referral.appointment.slotId)
        : undefined;
      if (slot) slot.status = 'free';
      // As NHS's A022 examples show: the appointment becomes a proposal the provider will act
      // on later, and the referral is Triaged - Provider To Action with that outcome.
      // The slot is released; the cancelled time stays on the proposal (the official example).
      const { slotId: _slot, ...kept } = referral.appointment;
      referral.appointment = {
        ...kept,
        status: 'proposed',
        reason: 'CANCEL_APPOINTMENT_ACTION_LATER',
        comment: comments,
      };
      referral.state = 'TRIAGED_PROVIDER_TO_ACTION';
      referral.reviewed = true;
      referral.priority = priority ?? referral.priority;
      linkFiles(state, files, {
        ubrn: referral.ubrn,
        type: 'PROVIDER',
        params,
        name: 'providerAttachmentFile',
      });
      referral.otherFiles.push(...files);
      referral.version += 1;
      state.keepAppointment(referral.ubrn, referral.appointment);
      sendReferral(state, res, referral);
    },
  );
  return r;
}
