import { z } from 'zod';
import { CODE_SYSTEM, EXTENSION, PROFILE, SYSTEM } from '../systems.js';
import {
  dynamicSystem,
  identifier,
  ordered,
  parameterOrder,
  priority,
  sdsUserId,
  serviceId,
  type Parameter,
} from './common.js';
import type { BuildContext } from './types.js';

/** The service search criteria (A010) that a shortlist (A011, A021, A031, A032, A044) repeats. */
export const searchCriteriaFields = {
  priority,
  specialty: z.string().min(1).optional(),
  clinicType: z.string().min(1).optional(),
  clinicalTerm: z.string().regex(/^\d+$/).optional(),
  namedClinician: sdsUserId.optional(),
  organisation: z.string().min(1).optional(),
  postcode: z.string().min(1).optional(),
  distanceLimit: z.number().int().min(0).optional(),
  waitTimeLimitDays: z.number().int().min(0).optional(),
  commissioningProvisioning: z
    .enum(['LOCALLY_COMMISSIONABLE', 'NATIONALLY_AVAILABLE', 'ALL_AVAILABLE_FOR_BOOKING'])
    .optional(),
  ageAndGenderAppropriate: z.boolean().default(true),
  /** The order the criteria go out in (wire names), when not the default (see `ordered`). */
  criteriaOrder: parameterOrder,
};
const _criteriaObject = z.object(searchCriteriaFields);
export type SearchCriteria = z.infer<typeof _criteriaObject>;

/** The shortlist fields: the services chosen from a search, and the criteria of that search. */
export const shortlistFields = {
  ...searchCriteriaFields,
  /** e-RS service ids from a prior service search; A021/A032 take the one triage service. */
  serviceIds: z.array(serviceId).min(1).max(20),
};
export type ShortlistInput = SearchCriteria & { serviceIds: readonly string[] };

/** Pure: the search criteria parameters, in the order most of NHS's examples use. */
export function criteria(input: SearchCriteria, ctx: BuildContext): Parameter[] {
  const p: Parameter[] = [
    { name: 'priority', valueCoding: coding(CODE_SYSTEM.priority, input.priority) },
  ];
  if (input.specialty)
    p.push({
      name: 'specialty',
      valueCoding: coding(dynamicSystem(ctx, 'SPECIALTY'), input.specialty),
    });
  if (input.clinicType)
    p.push({ name: 'clinicType', valueCoding: coding(CODE_SYSTEM.clinicType, input.clinicType) });
  if (input.commissioningProvisioning)
    p.push({
      name: 'commissioningProvisioning',
      valueCoding: coding(CODE_SYSTEM.commissioningProvisioning, input.commissioningProvisioning),
    });
  if (input.waitTimeLimitDays !== undefined)
    p.push({
      name: 'indicativeAppointmentWaitTimeLimit',
      valueUnsignedInt: input.waitTimeLimitDays,
    });
  if (input.postcode) p.push({ name: 'postcode', valueString: input.postcode });
  if (input.distanceLimit !== undefined)
    p.push({ name: 'distanceLimit', valueUnsignedInt: input.distanceLimit });
  if (input.clinicalTerm)
    p.push({ name: 'clinicalTerm', valueCoding: coding(SYSTEM.snomed, input.clinicalTerm) });
  if (input.namedClinician)
    p.push({
      name: 'namedClinician',
      valueIdentifier: identifier(SYSTEM.sdsUserId, input.namedClinician),
    });
  if (input.organisation)
    p.push({
      name: 'organisation',
      valueIdentifier: identifier(SYSTEM.odsOrganisation, input.organisation),
    });
  p.push({ name: 'ageAndGenderAppropriate', valueBoolean: input.ageAndGenderAppropriate });
  return ordered(p, input.criteriaOrder);
}

const coding = (system: string, code: string): Record<string, string> => ({ system, code });

/** Pure: the `shortlist` List resource (eRS-Shortlist-List-1) with its contained criteria. */
export function shortlist(input: ShortlistInput, ctx: BuildContext): Record<string, unknown> {
  return {
    meta: { profile: [PROFILE.shortlist] },
    resourceType: 'List',
    status: 'current',
    mode: 'snapshot',
    contained: [
      {
        resourceType: 'Parameters',
        meta: { profile: [PROFILE.serviceSearchCriteria] },
        id: 'ServiceSearchCriteria-1',
        parameter: criteria(input, ctx),
      },
    ],
    entry: input.serviceIds.map((id) => ({
      item: { identifier: identifier(SYSTEM.ersService, id) },
    })),
    extension: [
      {
        url: EXTENSION.shortlistSearchCriteria,
        valueReference: { reference: '#ServiceSearchCriteria-1' },
      },
    ],
  };
}

/** Pure: the A010 criteria rules e-RS enforces (VALUE_IS_REQUIRED / FIELD_NOT_PERMITTED). */
export function searchCriteriaProblems(c: SearchCriteria): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const bySpecialty = c.specialty !== undefined && c.clinicType !== undefined;
  if (!bySpecialty && c.clinicalTerm === undefined && c.namedClinician === undefined)
    problems.push({
      path: 'specialty',
      message: 'needs specialty and clinicType, or clinicalTerm, or namedClinician',
    });
  if (c.clinicType !== undefined && c.specialty === undefined)
    problems.push({ path: 'clinicType', message: 'is not permitted without specialty' });
  if (c.distanceLimit !== undefined && c.postcode === undefined)
    problems.push({ path: 'distanceLimit', message: 'is not permitted without postcode' });
  if (c.waitTimeLimitDays !== undefined && c.priority === 'TWO_WEEK_WAIT')
    problems.push({ path: 'waitTimeLimitDays', message: 'is not permitted for TWO_WEEK_WAIT' });
  return problems;
}

/** Letter intention and reminder: A011, A021, A031, A032 repeat them. */
export const letterFields = {
  letterIntention: z
    .enum(['NEED_TO_ADD_LATER', 'NOT_INTENDING_TO_ADD'])
    .default('NEED_TO_ADD_LATER'),
  firstReminderLetterFollowUpDays: z.number().int().min(0).default(0),
};
export const letterParameters = (i: {
  letterIntention: string;
  firstReminderLetterFollowUpDays: number;
}): Parameter[] => [
  {
    name: 'intentionToAddReferralLetter',
    valueCoding: coding(CODE_SYSTEM.referralLetterIntention, i.letterIntention),
  },
  { name: 'firstReminderLetterFollowUpDays', valueUnsignedInt: i.firstReminderLetterFollowUpDays },
];
