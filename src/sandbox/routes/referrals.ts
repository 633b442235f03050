import { Router, type Request, type Response } from 'express';
import { PROFILE, SYSTEM } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { assertLatest, assertUnlocked, findReferral, sendReferral } from './respond.js';
import type { Referral, SandboxState } from '../state.js';
import { checkVersion, param, parametersOf, stringValue, type Parameter } from './parameters.js';
import { shortlistOf } from './shortlist.js';

const REFERRER = [ROLE.RC, ROLE.RCA];
const PROVIDER = [ROLE.SPC, ROLE.SPCA];

/** A011 / A021: validates as the create set of ENDPOINTS.md §5 and creates the referral. */
/** Parameters removed in e-RS R9.1: old-style requests carrying them are refused (ENDPOINTS.md §5). */
const REMOVED = ['contentSensitive', 'unaccreditedComment'];
function refuseRemoved(body: unknown): void {
  const names = ((body as { parameter?: { name?: string }[] } | undefined)?.parameter ?? []).map(
    (p) => p.name,
  );
  const removed = names.find((n) => n !== undefined && REMOVED.includes(n));
  if (removed !== undefined)
    throw new SandboxError(
      422,
      'UNEXPECTED_FIELD',
      `parameter ${removed} was removed in e-RS R9.1 and is no longer accepted`,
    );
}

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
  const { serviceIds, priority, criteria } = shortlistOf(state, params, { triage });
  const pathwayStart = param(params, 'eReferralPathwayStart')?.['valueInstant'];
  const createdAt = new Date().toISOString();
  const referral: Referral = {
    ubrn: state.newUbrn(),
    version: 1,
    state: triage ? 'AWAITING_TRIAGE' : 'NOT_BOOKED',
    status: 'active',
    nhsNumber: patient.value ?? '',
    priority,
    serviceIds,
    searchCriteria: criteria,
    requestId: state.newRequestId(),
    createdAt,
    letters: [],
    otherFiles: [],
    // The RTT clock: as the referrer gives it, else from sending to a triage service.
    ...(typeof pathwayStart === 'string'
      ? { pathwayStart }
      : triage
        ? { pathwayStart: createdAt }
        : {}),
    // e-RS proposes a triage referral's appointment to the triage service (A012 example).
    ...(triage
      ? {
          appointment: {
            id: state.newAppointmentId(),
            status: 'proposed' as const,
            serviceId: serviceIds[0] ?? '',
            reason: 'TRIAGE',
          },
        }
      : {}),
  };
  state.referrals.set(referral.ubrn, referral);
  return referral;
}

export function referralRoutes(state: SandboxState): Router {
  const r = Router();
  const create = (profile: string, triage: boolean) => (req: Request, res: Response) => {
    refuseRemoved(req.body);
    sendReferral(state, res, createReferral(state, parametersOf(req.body, profile), triage), 201);
  };
  r.post(
    '/ReferralRequest/\\$ers.createReferral',
    allow(state, REFERRER),
    create(PROFILE.createReferralParameters, false),
  );
  r.post(
    '/ReferralRequest/\\$ers.createReferralAndSendForTriage',
    allow(state, REFERRER),
    create(PROFILE.createReferralAndSendForTriageParameters, true),
  );
  r.get(
    ['/ReferralRequest/:ubrn', '/ReferralRequest/:ubrn/_history/:version'],
    allow(state, [...REFERRER, ...PROVIDER, ROLE.APP]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertLatest(stringValue(req.params['version']) || undefined, ref.version);
      sendReferral(state, res, ref);
    },
  );
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
      if (ref.letters.length > 0) ref.lettersUpdatedAt = new Date().toISOString();
      ref.letters = ids;
      ref.version += 1;
      sendReferral(state, res, ref);
    },
  );
  return r;
}
