import { Router } from 'express';
import { PRIORITIES, SD } from '../../ers/systems.js';
import { allow, ROLE } from '../auth.js';
import { SandboxError } from '../outcome.js';
import { appointmentResource, referralResource } from '../referral-resource.js';
import type { Referral, SandboxState } from '../state.js';
import { checkVersion, param, parametersOf, type Parameter } from './parameters.js';
import { assertUnlocked, findReferral, sendReferral } from './respond.js';

interface ShortlistBody {
  entry?: { item?: { identifier?: { value?: string } } }[];
  contained?: { parameter?: Parameter[] }[];
}

const coding = (criteria: Parameter[], name: string): string | undefined =>
  (criteria.find((p) => p.name === name)?.['valueCoding'] as { code?: string } | undefined)?.code;

/**
 * The shortlist and letter intention of A011, A021, A031 and A032 (eRS-Shortlist-List-1 with its
 * contained service search criteria): 1–20 known, distinct services — exactly one referral
 * assessment (triage) service when sending for triage, none advice-only —, and a priority.
 */
export function shortlistOf(
  state: SandboxState,
  params: Parameter[],
  options: { triage: boolean },
): {
  serviceIds: string[];
  priority: string;
  criteria: NonNullable<Referral['searchCriteria']>;
} {
  param(params, 'intentionToAddReferralLetter', true);
  param(params, 'firstReminderLetterFollowUpDays', true);
  const list = param(params, 'shortlist', true)['resource'] as ShortlistBody | undefined;
  const serviceIds = (list?.entry ?? []).map((e) => e.item?.identifier?.value ?? '');
  if (serviceIds.length === 0)
    throw new SandboxError(422, 'MISSING_VALUE', 'shortlist has no services');
  if (options.triage && serviceIds.length > 1)
    throw new SandboxError(422, 'TOO_MANY_ITEMS', 'sending for triage takes exactly one service');
  if (serviceIds.length > 20)
    throw new SandboxError(422, 'TOO_MANY_ITEMS', 'a shortlist holds at most 20 services');
  if (new Set(serviceIds).size !== serviceIds.length)
    throw new SandboxError(422, 'DUPLICATE_SERVICE', 'Duplicate service found in shortlist');
  for (const id of serviceIds) {
    const service = state.services.get(id);
    if (!service) throw new SandboxError(422, 'REFERENCE_NOT_FOUND', `service ${id} not found`);
    if (options.triage && service.kind !== 'TRIAGE')
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        `service ${id} is not a referral assessment service`,
      );
    if (service.kind === 'ADVICE_ONLY')
      throw new SandboxError(
        422,
        'INAPPROPRIATE_VALUE',
        `service ${id} takes only Advice and Guidance requests`,
      );
    // A triage service may sit in a shortlist beside bookable ones (NHS's A011
    // RequestMixedShortlist and A031 UnbookedReferralMixedShortlist examples).
  }
  const criteria = list?.contained?.[0]?.parameter ?? [];
  const priority = coding(criteria, 'priority');
  if (priority === undefined)
    throw new SandboxError(422, 'MISSING_VALUE', 'search criteria priority is required');
  if (!(PRIORITIES as readonly string[]).includes(priority))
    throw new SandboxError(422, 'INVALID_CODE', `priority ${priority} is not in eRS-Priority-1`);
  for (const id of serviceIds)
    if (priority === 'TWO_WEEK_WAIT' && state.services.get(id)?.twoWeekWait === false)
      throw new SandboxError(
        422,
        'UNSUPPORTED_PRIORITY',
        `service ${id} does not accept Two Week Wait referrals`,
      );
  const postcode = criteria.find((p) => p.name === 'postcode')?.['valueString'];
  const distance = criteria.find((p) => p.name === 'distanceLimit')?.['valueUnsignedInt'];
  return {
    serviceIds,
    priority,
    criteria: {
      specialty: coding(criteria, 'specialty'),
      clinicType: coding(criteria, 'clinicType'),
      ...(typeof postcode === 'string' ? { postcode } : {}),
      ...(typeof distance === 'number' ? { distanceLimit: distance } : {}),
    },
  };
}

/** A031 change shortlist and A032 change shortlist and send for triage: unbooked referrals only. */
export function shortlistRoutes(state: SandboxState): Router {
  const r = Router();
  const change = (ref: Referral, params: Parameter[], triage: boolean): void => {
    const { serviceIds, priority, criteria } = shortlistOf(state, params, { triage });
    if (ref.status !== 'active' || ref.state !== 'NOT_BOOKED')
      throw new SandboxError(
        422,
        'INVALID_REQUEST_STATE',
        `referral is ${ref.state}; only an unbooked referral's shortlist can change`,
      );
    ref.serviceIds = serviceIds;
    ref.priority = priority;
    ref.searchCriteria = criteria;
    if (triage) {
      ref.state = 'AWAITING_TRIAGE';
      ref.appointment = {
        id: state.newAppointmentId(),
        status: 'proposed',
        serviceId: serviceIds[0] ?? '',
        reason: 'TRIAGE',
        created: new Date().toISOString(),
      };
      ref.pathwayStart ??= new Date().toISOString();
    }
    ref.version += 1;
    if (ref.appointment) state.keepAppointment(ref.ubrn, ref.appointment);
  };
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.changeShortlist',
    allow(state, [ROLE.RC, ROLE.RCA]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      change(ref, parametersOf(req.body, `${SD}/eRS-ChangeShortlist-Parameters-1`), false);
      sendReferral(state, res, ref);
    },
  );
  r.post(
    '/ReferralRequest/:ubrn/\\$ers.changeShortlistAndSendForTriage',
    allow(state, [ROLE.RC, ROLE.RCA]),
    (req, res) => {
      const ref = findReferral(state, String(req.params['ubrn']));
      assertUnlocked(state, ref.ubrn);
      checkVersion(req.get('if-match'), ref.version);
      const params = parametersOf(
        req.body,
        `${SD}/eRS-ChangeShortlistAndSendForTriage-Request-Parameters-1`,
      );
      change(ref, params, true);
      const appointment = ref.appointment;
      res
        .set('ETag', `W/"${ref.version}"`)
        .type('application/fhir+json')
        .json({
          resourceType: 'Parameters',
          meta: { profile: [`${SD}/eRS-ChangeShortlistAndSendForTriage-Response-Parameters-1`] },
          parameter: [
            { name: 'updatedReferralRequest', resource: referralResource(state, ref) },
            ...(appointment
              ? [
                  {
                    name: 'createdAppointment',
                    resource: appointmentResource(
                      ref,
                      appointment,
                      state.services.get(appointment.serviceId)?.name ?? appointment.serviceId,
                      { id: appointment.id },
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
