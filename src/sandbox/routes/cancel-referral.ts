import { Router } from 'express';
import { SD } from '../../ers/systems.js';
import { allow, ROLE, type Caller } from '../auth.js';
import { codes, conceptOf, flag } from '../nhs-reference.js';
import { SandboxError } from '../outcome.js';
import { appointmentResource, referralResource } from '../referral-resource.js';
import type { Referral, SandboxState } from '../state.js';
import { checkVersion, param, parametersOf, stringValue } from './parameters.js';
import { assertUnlocked, findReferral } from './respond.js';

const REQUEST_PROFILE = `${SD}/eRS-CancelReferral-Request-Parameters-1`;
const RESPONSE_PROFILE = `${SD}/eRS-CancelReferral-Response-Parameters-1`;

/**
 * A036: the referral is cancelled for a REFERRAL-CANCELLATION-REASON of the referrer usage
 * CANCEL_REFERRAL that the caller's business function may give, with a comment where the
 * reference data makes it mandatory; a booked appointment is cancelled with it when the reason
 * may cancel appointments (canCancelAppointment), else the call is refused.
 */
function cancelReferral(
  state: SandboxState,
  ref: Referral,
  params: ReturnType<typeof parametersOf>,
  caller: Caller,
): boolean {
  const code = (
    param(params, 'cancellationReason', true)['valueCoding'] as { code?: string } | undefined
  )?.code;
  const concept = code === undefined ? undefined : conceptOf('REFERRAL-CANCELLATION-REASON', code);
  if (
    code === undefined ||
    !concept ||
    !codes(concept, 'referrerUsage').includes('CANCEL_REFERRAL') ||
    !codes(concept, 'businessFunction').includes(caller.businessFunction)
  )
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      `'cancellationReason' ${code ?? '(none)'} is not valid for ${caller.businessFunction}`,
    );
  const comments = stringValue(param(params, 'cancellationComments')?.['valueString']);
  if (flag(concept, 'commentIsMandatory') === true && comments === '')
    throw new SandboxError(422, 'MISSING_VALUE', "'cancellationComments' is missing.");
  if (comments.length > 2000)
    throw new SandboxError(422, 'INVALID_VALUE', 'cancellationComments is longer than 2000');
  if (ref.status !== 'active' || ref.state === 'CANCELLED_REFERRAL')
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `referral ${ref.ubrn} is already cancelled`,
    );
  const booked = ref.appointment?.status === 'booked' ? ref.appointment : undefined;
  if (booked && flag(concept, 'canCancelAppointment') !== true)
    throw new SandboxError(
      422,
      'INAPPROPRIATE_VALUE',
      `'cancellationReason' ${code} cannot cancel the booked appointment`,
    );
  if (booked) {
    const slot = booked.slotId ? state.slots.get(booked.slotId) : undefined;
    if (slot) slot.status = 'free';
    // The appointment is cancelled for the referral's cancellation reason (NHS's A036 example).
    Object.assign(booked, {
      status: 'cancelled',
      reason: code,
      ...(comments ? { comment: comments } : {}),
    });
  }
  ref.status = 'cancelled';
  ref.state = 'CANCELLED_REFERRAL';
  ref.stateReason = code;
  ref.cancellationSystem = undefined;
  if (comments) ref.stateComments = comments;
  else delete ref.stateComments;
  ref.version += 1;
  if (booked) state.keepAppointment(ref.ubrn, booked);
  return booked !== undefined;
}

export function cancelReferralRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.cancelReferral',
    allow(state, [ROLE.RC, ROLE.RCA, ROLE.SPC, ROLE.SPCA]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      const params = parametersOf(req.body, REQUEST_PROFILE);
      const appointmentCancelled = cancelReferral(
        state,
        ref,
        params,
        res.locals['caller'] as Caller,
      );
      const appointment = ref.appointment;
      res
        .set('ETag', `W/"${ref.version}"`)
        .type('application/fhir+json')
        .json({
          resourceType: 'Parameters',
          meta: { profile: [RESPONSE_PROFILE] },
          parameter: [
            { name: 'updatedReferralRequest', resource: referralResource(state, ref) },
            ...(appointmentCancelled && appointment
              ? [
                  {
                    name: 'updatedAppointment',
                    resource: appointmentResource(
                      ref,
                      appointment,
                      state.services.get(appointment.serviceId)?.name ?? appointment.serviceId,
                      {
                        id: appointment.id,
                        versionId: state.appointments.get(appointment.id)?.version ?? 1,
                      },
                    ),
                  },
                ]
              : []),
          ],
        });
    },
  );
  return r;
}
