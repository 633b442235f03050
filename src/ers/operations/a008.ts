import { z } from 'zod';
import { CODE_SYSTEM, CS, SYSTEM } from '../systems.js';
import { readWorklist } from '../readers/worklist.js';
import {
  dynamicSystem,
  identifier,
  operation,
  parameters,
  sdsUserId,
  serviceId,
} from './common.js';

/** The referral worklists of A008: two provider lists, four referrer lists (and triage). */
export const WORKLIST_TYPES = [
  'REFERRALS_FOR_REVIEW',
  'APPOINTMENT_SLOT_ISSUES',
  'AWAITING_BOOKING',
  'LETTERS_OUTSTANDING',
  'REJECTED_TRIAGE_RESPONSE',
  'ASSESSMENT_RETURNED_CANCELLED_DNA',
] as const;
const PROVIDER_LISTS: readonly string[] = ['REFERRALS_FOR_REVIEW', 'APPOINTMENT_SLOT_ISSUES'];
const assigned = z.enum(['ASSIGNED', 'NOT_ASSIGNED']);
const concept = (system: string, code: string) => ({ coding: [{ system, code }] });

/** A008: a worklist, optionally for one service, specialty or clinician. */
export const A008 = operation({
  id: 'A008',
  name: 'Retrieve referral worklist',
  method: 'POST',
  paths: ['/ReferralRequest/$ers.fetchworklist'],
  roles: [
    'SERVICE_PROVIDER_CLINICIAN',
    'SERVICE_PROVIDER_ADMIN',
    'SERVICE_PROVIDER_CLINICIAN_ADMIN',
    'REFERRING_CLINICIAN',
    'REFERRING_CLINICIAN_ADMIN',
    'REFERRING_ADMIN',
  ],
  // The shipped flows poll the provider's lists; the referrer lists go out under the user's role.
  side: 'provider',
  sideOf: (i) => (PROVIDER_LISTS.includes(i.listType) ? 'provider' : 'referrer'),
  profile: 'eRS-FetchWorklist-Parameters-1',
  deprecated: false,
  input: z
    .object({
      listType: z.enum(WORKLIST_TYPES),
      serviceId: serviceId.optional(),
      specialty: z.string().min(1).optional(),
      specialtyAssigned: assigned.optional(),
      clinician: sdsUserId.optional(),
      clinicianAssigned: assigned.optional(),
    })
    .strict(),
  build: (i, ctx) => ({
    method: 'POST',
    path: '/ReferralRequest/$ers.fetchworklist',
    body: parameters('eRS-FetchWorklist-Parameters-1', [
      {
        name: 'listType',
        valueCodeableConcept: concept(CODE_SYSTEM.referralListSelector, i.listType),
      },
      ...(i.serviceId
        ? [{ name: 'service', valueIdentifier: identifier(SYSTEM.ersService, i.serviceId) }]
        : []),
      ...(i.specialty
        ? [
            {
              name: 'specialtyAssignedIndicator',
              valueCodeableConcept: concept(
                `${CS}/eRS-AssignedIndicator-1`,
                i.specialtyAssigned ?? 'ASSIGNED',
              ),
            },
            {
              name: 'specialty',
              valueCodeableConcept: concept(dynamicSystem(ctx, 'SPECIALTY'), i.specialty),
            },
          ]
        : []),
      ...(i.clinician
        ? [
            {
              name: 'clinicianAssignedIndicator',
              valueCodeableConcept: concept(
                `${CS}/eRS-AssignedIndicator-1`,
                i.clinicianAssigned ?? 'ASSIGNED',
              ),
            },
            { name: 'clinician', valueIdentifier: identifier(SYSTEM.sdsUserId, i.clinician) },
          ]
        : []),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API Retrieve Request List',
  resourceType: 'Worklist',
  read: readWorklist,
});
