import { Router, type Request, type Response } from 'express';
import { PROFILE, PRIORITIES, SYSTEM } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { REJECT_REASONS } from '../reference-data.js';
import { assertLatest, assertUnlocked, findReferral, sendReferral } from './respond.js';
import type { Referral, SandboxState } from '../state.js';
import { checkVersion, param, parametersOf, stringValue, type Parameter } from './parameters.js';

const REFERRER = [ROLE.RC, ROLE.RCA];
const PROVIDER = [ROLE.SPC, ROLE.SPCA];

/** A011 / A021: validates as the create set of ENDPOINTS.md §5 and creates the referral. */
function createReferral(state: SandboxState, params: Parameter[], triage: boolean): Referral {
  const patient = param(params, 'patient', true)['valueIdentifier'] as
    { system?: string; value?: string } | undefined;
  if (patient?.system !== SYSTEM.nhsNumber)
    throw new SandboxError(
      422,
      'INVALID_VALUE',
      `parameter patient must be an identifier with system ${SYSTEM.nhsNumber}`,
    );
  if (!/^\d{10}$/.test(patient.value ?? ''))
    throw new SandboxError(422, 'INVALID_VALUE', 'patient NHS number must be 10 digits');
  if (!state.patients.has(patient.value ?? ''))
    throw new SandboxError(422, 'REFERENCE_NOT_FOUND', `patient ${patient.value ?? ''} not found`);
  param(params, 'intentionToAddReferralLetter', true);
  param(params, 'firstReminderLetterFollowUpDays', true);
  const list = param(params, 'shortlist', true)['resource'] as
    | {
        entry?: { item?: { identifier?: { value?: string } } }[];
        contained?: { parameter?: Parameter[] }[];
      }
    | undefined;
  const serviceIds = (list?.entry ?? []).map((e) => e.item?.identifier?.value ?? '');
  if (serviceIds.length === 0)
    throw new SandboxError(422, 'MISSING_VALUE', 'shortlist has no services');
  if (triage && serviceIds.length > 1)
    throw new SandboxError(422, 'TOO_MANY_ITEMS', 'A021 takes exactly one triage service');
  if (serviceIds.length > 20)
    throw new SandboxError(422, 'TOO_MANY_ITEMS', 'a shortlist holds at most 20 services');
  if (new Set(serviceIds).size !== serviceIds.length)
    throw new SandboxError(422, 'DUPLICATE_SERVICE', 'Duplicate service found in shortlist');
  for (const id of serviceIds) {
    const service = state.services.get(id);
    if (!service) throw new SandboxError(422, 'REFERENCE_NOT_FOUND', `service ${id} not found`);
    if (triage && service.kind !== 'TRIAGE')
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        `service ${id} is not a referral assessment service`,
      );
    if (!triage && service.kind === 'ADVICE_ONLY')
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        `service ${id} takes only Advice and Guidance requests`,
      );
    if (!triage && service.kind === 'TRIAGE')
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        `service ${id} is a referral assessment service: use A021`,
      );
  }
  const criteria = list?.contained?.[0]?.parameter ?? [];
  const priority = (
    criteria.find((p) => p.name === 'priority')?.['valueCoding'] as { code?: string } | undefined
  )?.code;
  if (priority === undefined)
    throw new SandboxError(422, 'MISSING_VALUE', 'search criteria priority is required');
  if (!(PRIORITIES as readonly string[]).includes(priority))
    throw new SandboxError(422, 'INVALID_CODE', `priority ${priority} is not in eRS-Priority-1`);
  const referral: Referral = {
    ubrn: state.newUbrn(),
    version: 1,
    state: triage ? 'AWAITING_TRIAGE' : 'NOT_BOOKED',
    status: 'active',
    nhsNumber: patient.value ?? '',
    priority,
    serviceIds,
    requestId: state.newRequestId(),
    createdAt: new Date().toISOString(),
    letters: [],
    otherFiles: [],
  };
  state.referrals.set(referral.ubrn, referral);
  return referral;
}

export function referralRoutes(state: SandboxState): Router {
  const r = Router();
  r.post(
    '/ReferralRequest/\\$ers.createReferral',
    allow(state, REFERRER),
    (req: Request, res: Response) => {
      sendReferral(
        state,
        res,
        createReferral(state, parametersOf(req.body, PROFILE.createReferralParameters), false),
        201,
      );
    },
  );
  r.post(
    '/ReferralRequest/\\$ers.createReferralAndSendForTriage',
    allow(state, REFERRER),
    (req, res) => {
      sendReferral(
        state,
        res,
        createReferral(
          state,
          parametersOf(req.body, PROFILE.createReferralAndSendForTriageParameters),
          true,
        ),
        201,
      );
    },
  );
  r.get(
    ['/ReferralRequest/:ubrn', '/ReferralRequest/:ubrn/_history/:version'],
    allow(state, [...REFERRER, ...PROVIDER]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertLatest(stringValue(req.params['version']) || undefined, ref.version);
      sendReferral(state, res, ref);
    },
  );
  r.post('/ReferralRequest/:ubrn/\\$ers.acceptReferral', allow(state, PROVIDER), (req, res) => {
    const ref = findReferral(state, String(req.params['ubrn']));
    assertUnlocked(state, ref.ubrn);
    checkVersion(req.get('if-match'), ref.version);
    if (ref.state !== 'AWAITING_TRIAGE')
      throw new SandboxError(
        422,
        'INVALID_REQUEST_STATE',
        `referral is ${ref.state}; only one awaiting triage can be accepted`,
      );
    ref.state = 'TRIAGED_PROVIDER_TO_ACTION';
    ref.version += 1;
    sendReferral(state, res, ref);
  });
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
    if (ref.state !== 'AWAITING_TRIAGE')
      throw new SandboxError(
        422,
        'INVALID_REQUEST_STATE',
        `referral is ${ref.state}; only one awaiting triage can be rejected`,
      );
    ref.state = 'REJECTED';
    ref.rejection = { reason, comments };
    ref.version += 1;
    sendReferral(state, res, ref);
  });
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.maintainReferralLetter',
    allow(state, REFERRER),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      const params = parametersOf(req.body, PROFILE.maintainReferralLetterParameters);
      const ids = params
        .filter((p) => p.name === 'referralLetterFile')
        .map((p) =>
          (
            (p['resource'] as { content?: { attachment?: { url?: string } }[] } | undefined)
              ?.content?.[0]?.attachment?.url ?? ''
          ).replace(/^Binary\//, ''),
        );
      if (ids.length === 0)
        throw new SandboxError(422, 'MISSING_VALUE', 'at least one referralLetterFile must remain');
      for (const id of ids) {
        const file = state.binaries.get(id);
        if (!file)
          throw new SandboxError(422, 'REFERENCE_NOT_FOUND', `file Binary/${id} not found`);
        if (file.linkedTo !== undefined && file.linkedTo !== ref.ubrn)
          throw new SandboxError(
            422,
            'INVALID_STATE',
            `file Binary/${id} is linked to another referral`,
          );
        if (file.intendedUbrn !== undefined && file.intendedUbrn !== ref.ubrn)
          throw new SandboxError(
            422,
            'INVALID_STATE',
            `file Binary/${id} was uploaded for referral ${file.intendedUbrn}`,
          );
      }
      if (ids.length === ref.letters.length && ids.every((id) => ref.letters.includes(id)))
        throw new SandboxError(
          422,
          'NO_CHANGES_DETECTED',
          'the referral already has exactly these letters',
        );
      for (const old of ref.letters) {
        const f = state.binaries.get(old);
        if (f) f.linkedTo = undefined;
      }
      for (const id of ids) {
        const f = state.binaries.get(id);
        if (f) f.linkedTo = ref.ubrn;
      }
      ref.letters = ids;
      ref.version += 1;
      sendReferral(state, res, ref);
    },
  );
  return r;
}
