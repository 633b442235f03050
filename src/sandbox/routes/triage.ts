import { Router } from 'express';
import { PROFILE } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { REJECT_REASONS } from '../reference-data.js';
import type { Referral, SandboxState } from '../state.js';
import { checkVersion, param, parametersOf, stringValue } from './parameters.js';
import { assertUnlocked, findReferral, sendReferral } from './respond.js';

const PROVIDER = [ROLE.SPC, ROLE.SPCA];

/**
 * On the provider's Referrals for Review list: a triage referral awaiting triage, or a booked
 * appointment not yet reviewed (ENDPOINTS.md §4). The sandbox keeps accepting triage referrals
 * with A013/A014, as the engine's channels do; booked ones need an appointment from the world's
 * today on (`now`, SandboxState.today(): NHS's test world is set in 2021).
 */
export function pendingReview(ref: Referral, now: number): boolean {
  if (ref.state === 'AWAITING_TRIAGE') return true;
  return (
    ref.state === 'BOOKED' &&
    ref.reviewed !== true &&
    Date.parse(ref.appointment?.start ?? '') >= now
  );
}

function assertPendingReview(ref: Referral, now: number): void {
  if (!pendingReview(ref, now))
    throw new SandboxError(
      422,
      'INVALID_REQUEST_STATE',
      `referral is ${ref.state}${ref.reviewed ? ' (already reviewed)' : ''}; only one awaiting triage or a future booked appointment pending review can be accepted or rejected`,
    );
}

/** A013 accept and A014 reject a referral pending the provider's review. */
export function triageRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.acceptReferral',
    allow(state, [...PROVIDER, ROLE.APP]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      assertPendingReview(ref, state.today());
      if (ref.state === 'AWAITING_TRIAGE') ref.state = 'TRIAGED_PROVIDER_TO_ACTION';
      ref.reviewed = true;
      ref.version += 1;
      sendReferral(state, res, ref);
    },
  );
  r.post('/ReferralRequest/:ubrn/\\$ers.rejectReferral', allow(state, PROVIDER), (req, res) => {
    const ref = findReferral(state, String(req.params['ubrn']));
    assertUnlocked(state, ref.ubrn);
    checkVersion(req.get('if-match'), ref.version);
    const params = parametersOf(req.body, PROFILE.rejectReferralParameters);
    const reason =
      (param(params, 'rejectionReason', true)['valueCoding'] as { code?: string } | undefined)
        ?.code ?? '';
    if (!REJECT_REASONS.some(([code]) => code === reason))
      throw new SandboxError(
        422,
        'INVALID_CODE',
        `rejectionReason ${reason} is not a PROVIDER_REJECT reason of APPOINTMENT-CANCELLATION-REASON`,
      );
    const comments = stringValue(param(params, 'rejectionComments')?.['valueString']);
    const kind = state.services.get(ref.serviceIds[0] ?? '')?.kind;
    const cancelledInPas = param(params, 'appointmentCancelledInPAS');
    if (kind === 'INDIRECTLY_BOOKABLE' && !cancelledInPas)
      throw new SandboxError(
        422,
        'VALUE_IS_REQUIRED',
        'appointmentCancelledInPAS is required for an indirectly bookable service',
      );
    if (kind === 'DIRECTLY_BOOKABLE' && cancelledInPas)
      throw new SandboxError(
        422,
        'FIELD_NOT_PERMITTED',
        'appointmentCancelledInPAS is not allowed for a directly bookable service',
      );
    if (comments.length > 2000)
      throw new SandboxError(
        422,
        'INVALID_VALUE',
        'rejectionComments is longer than 2000 characters',
      );
    assertPendingReview(ref, state.today());
    if (ref.appointment) {
      const slot = ref.appointment.slotId ? state.slots.get(ref.appointment.slotId) : undefined;
      if (slot) slot.status = 'free';
      // NHS's A014 examples: the cancelled appointment carries the rejection reason and comments.
      Object.assign(ref.appointment, {
        status: 'cancelled',
        reason,
        ...(comments ? { comment: comments } : {}),
      });
      state.keepAppointment(ref.ubrn, ref.appointment);
    }
    ref.state = 'REJECTED';
    ref.reviewed = true;
    ref.rejection = { reason, comments };
    ref.version += 1;
    sendReferral(state, res, ref);
  });
  return r;
}
