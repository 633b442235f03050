import { Router, type Response } from 'express';
import { allow, ROLE, type Caller } from '../auth.js';
import { codes, conceptOf, flag } from '../nhs-reference.js';
import { SandboxError } from '../outcome.js';
import { appointmentResource } from '../referral-resource.js';
import type { SandboxState, StoredAppointment } from '../state.js';
import { checkVersion, stringValue } from './parameters.js';
import { assertUnlocked, findReferral } from './respond.js';

const READERS = [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA];

/** An appointment by id: 404 NO_SUCH_APPOINTMENT when the sandbox holds none. */
function findAppointment(state: SandboxState, id: string): StoredAppointment {
  const a = state.appointments.get(id);
  if (!a) throw new SandboxError(404, 'NO_SUCH_APPOINTMENT', `no appointment ${id}`, 'not-found');
  return a;
}

function sendAppointment(state: SandboxState, res: Response, a: StoredAppointment): void {
  res
    .set('ETag', `W/"${a.version}"`)
    .type('application/fhir+json')
    .json(
      appointmentResource(
        { ubrn: a.ubrn, version: a.referralVersion, nhsNumber: a.nhsNumber },
        a,
        state.services.get(a.serviceId)?.name ?? a.serviceId,
        { id: a.id, versionId: a.version },
      ),
    );
}

interface AppointmentUpdate {
  resourceType?: string;
  id?: string;
  status?: string;
  comment?: string;
  reason?: { coding?: { system?: string; code?: string }[] }[];
  incomingReferral?: { reference?: string }[];
}

/**
 * A034 cancels a directly booked appointment: the reason must be an APPOINTMENT-CANCELLATION-REASON
 * for cancelling (usage CANCEL) open to the caller's business function, and comes with a comment
 * where the reference data marks it commentIsMandatory (NHS's A004 data, nhs-reference/).
 */
function cancelAppointment(
  state: SandboxState,
  a: StoredAppointment,
  body: AppointmentUpdate,
  caller: Caller,
): void {
  if (body.resourceType !== 'Appointment')
    throw new SandboxError(422, 'INVALID_FHIR_STRUCTURE', 'body must be an Appointment');
  if (body.id !== undefined && body.id !== a.id)
    throw new SandboxError(422, 'INVALID_VALUE', `id ${body.id} is not appointment ${a.id}`);
  if (body.status !== 'cancelled')
    throw new SandboxError(422, 'INAPPROPRIATE_VALUE', "'status' must be cancelled");
  const code = body.reason?.[0]?.coding?.[0]?.code;
  if (code === undefined) throw new SandboxError(422, 'MISSING_VALUE', "'reason' is missing.");
  const concept = conceptOf('APPOINTMENT-CANCELLATION-REASON', code);
  const usable =
    concept !== undefined &&
    codes(concept, 'usage').includes('CANCEL') &&
    codes(concept, 'businessFunction').includes(caller.businessFunction);
  if (!concept || !usable)
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      "'reason' The reason provided is not valid in this case",
    );
  const comment = stringValue(body.comment);
  if (flag(concept, 'commentIsMandatory') === true && comment === '')
    throw new SandboxError(422, 'MISSING_VALUE', "'comment' is missing.");
  const m = /^ReferralRequest\/(\d{12})\/_history\/(\d+)$/.exec(
    body.incomingReferral?.[0]?.reference ?? '',
  );
  if (!m || m[1] !== a.ubrn)
    throw new SandboxError(
      422,
      'INVALID_VALUE',
      `incomingReferral must be ReferralRequest/${a.ubrn}/_history/{version}`,
    );
  const referral = findReferral(state, a.ubrn);
  assertUnlocked(state, referral.ubrn);
  if (Number(m[2]) !== referral.version)
    throw new SandboxError(
      409,
      'VERSION_CONFLICT',
      `referral version ${m[2] ?? ''} is not the latest (${referral.version})`,
    );
  const current = referral.appointment;
  if (a.status !== 'booked' || current?.id !== a.id || referral.state !== 'BOOKED')
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `appointment ${a.id} is not the booked appointment of referral ${a.ubrn}`,
    );
  if (state.services.get(a.serviceId)?.kind !== 'DIRECTLY_BOOKABLE')
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      'only an appointment at a directly bookable service can be cancelled here',
    );
  const slot = current.slotId ? state.slots.get(current.slotId) : undefined;
  if (slot) slot.status = 'free';
  // The patient (or referrer) cancelled: the referral waits to be booked again.
  Object.assign(current, { status: 'cancelled', reason: code, ...(comment ? { comment } : {}) });
  referral.state = 'NOT_BOOKED';
  referral.version += 1;
  state.keepAppointment(referral.ubrn, current);
}

/** A038 retrieve appointment (and versioned), A034 update (cancel) appointment. */
export function appointmentRoutes(state: SandboxState): Router {
  const r = Router();
  r.get(
    ['/Appointment/:id', '/Appointment/:id/_history/:version'],
    allow(state, [...READERS, ROLE.APP]),
    (req, res) => {
      const a = findAppointment(state, String(req.params['id']));
      const version = stringValue(req.params['version']);
      if (version !== '' && version !== String(a.version))
        throw new SandboxError(
          404,
          'HISTORY_NOT_SUPPORTED',
          `only the latest version (${a.version}) can be retrieved, not ${version}`,
        );
      sendAppointment(state, res, a);
    },
  );
  r.put('/Appointment/:id', allow(state, [ROLE.RC, ROLE.RCA]), (req, res) => {
    const a = findAppointment(state, String(req.params['id']));
    checkVersion(req.get('if-match'), a.version);
    cancelAppointment(state, a, req.body as AppointmentUpdate, res.locals['caller'] as Caller);
    sendAppointment(state, res, findAppointment(state, a.id));
  });
  return r;
}
