import { z } from 'zod';
import { CODE_SYSTEM, PROFILE, EXTENSION, PRIORITIES, SYSTEM } from '../systems.js';
import { isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.js';
import type { OperationRequest } from './types.js';

/** Logical inputs of A011 (create referral) and A021 (create and send for triage). */
export const CreateReferralInputSchema = z
  .object({
    nhsNumber: z
      .string()
      .transform(normaliseNhsNumber)
      .refine(isValidNhsNumber, 'is not a valid NHS number (modulus 11 check digit)'),
    priority: z.enum(PRIORITIES),
    /** e-RS service ids from a prior service search; A021 takes exactly one (the triage service). */
    serviceIds: z
      .array(z.string().regex(/^\d+$/, 'must be a numeric e-RS service id'))
      .min(1)
      .max(20),
    specialty: z.string().min(1).optional(),
    clinicType: z.string().min(1).optional(),
    clinicalTerm: z.string().regex(/^\d+$/).optional(),
    namedClinician: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    organisation: z.string().min(1).optional(),
    postcode: z.string().min(1).optional(),
    distanceLimit: z.number().int().min(0).optional(),
    waitTimeLimitDays: z.number().int().min(0).optional(),
    commissioningProvisioning: z
      .enum(['LOCALLY_COMMISSIONABLE', 'NATIONALLY_AVAILABLE', 'ALL_AVAILABLE_FOR_BOOKING'])
      .optional(),
    ageAndGenderAppropriate: z.boolean().default(true),
    letterIntention: z
      .enum(['NEED_TO_ADD_LATER', 'NOT_INTENDING_TO_ADD'])
      .default('NEED_TO_ADD_LATER'),
    firstReminderLetterFollowUpDays: z.number().int().min(0).default(0),
    /** Only when the user is a referring clinician admin acting for a clinician. */
    referringClinician: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
  })
  .strict();
export type CreateReferralInput = z.infer<typeof CreateReferralInputSchema>;

type Parameter = Record<string, unknown> & { name: string };

/** The service search criteria fields (A010 search, and the A011/A021 shortlist's criteria). */
export const SEARCH_CRITERIA_KEYS = {
  priority: true,
  specialty: true,
  clinicType: true,
  clinicalTerm: true,
  namedClinician: true,
  organisation: true,
  postcode: true,
  distanceLimit: true,
  waitTimeLimitDays: true,
  commissioningProvisioning: true,
  ageAndGenderAppropriate: true,
} as const;
export type SearchCriteria = Pick<CreateReferralInput, keyof typeof SEARCH_CRITERIA_KEYS>;

/** The service search criteria the shortlist came from, in the order of the official example. */
export function criteria(input: SearchCriteria): Parameter[] {
  const p: Parameter[] = [
    { name: 'priority', valueCoding: { system: CODE_SYSTEM.priority, code: input.priority } },
  ];
  if (input.specialty)
    p.push({
      name: 'specialty',
      valueCoding: { system: CODE_SYSTEM.specialty, code: input.specialty },
    });
  if (input.clinicType)
    p.push({
      name: 'clinicType',
      valueCoding: { system: CODE_SYSTEM.clinicType, code: input.clinicType },
    });
  if (input.namedClinician)
    p.push({
      name: 'namedClinician',
      valueIdentifier: { system: SYSTEM.sdsUserId, value: input.namedClinician },
    });
  if (input.clinicalTerm)
    p.push({
      name: 'clinicalTerm',
      valueCoding: { system: SYSTEM.snomed, code: input.clinicalTerm },
    });
  if (input.commissioningProvisioning) {
    p.push({
      name: 'commissioningProvisioning',
      valueCoding: {
        system: CODE_SYSTEM.commissioningProvisioning,
        code: input.commissioningProvisioning,
      },
    });
  }
  if (input.organisation)
    p.push({
      name: 'organisation',
      valueIdentifier: { system: SYSTEM.odsOrganisation, value: input.organisation },
    });
  p.push({ name: 'ageAndGenderAppropriate', valueBoolean: input.ageAndGenderAppropriate });
  if (input.distanceLimit !== undefined)
    p.push({ name: 'distanceLimit', valueUnsignedInt: input.distanceLimit });
  if (input.postcode) p.push({ name: 'postcode', valueString: input.postcode });
  if (input.waitTimeLimitDays !== undefined)
    p.push({
      name: 'indicativeAppointmentWaitTimeLimit',
      valueUnsignedInt: input.waitTimeLimitDays,
    });
  return p;
}

/** Pure: the FHIR Parameters body of A011 or A021, the shape of the official examples. */
export function createReferralBody(
  input: CreateReferralInput,
  triage: boolean,
): Record<string, unknown> {
  const parameter: Parameter[] = [
    { name: 'patient', valueIdentifier: { system: SYSTEM.nhsNumber, value: input.nhsNumber } },
  ];
  if (input.referringClinician) {
    parameter.push({
      name: 'referringClinician',
      valueIdentifier: { system: SYSTEM.sdsUserId, value: input.referringClinician },
    });
  }
  parameter.push(
    {
      name: 'intentionToAddReferralLetter',
      valueCoding: { system: CODE_SYSTEM.referralLetterIntention, code: input.letterIntention },
    },
    {
      name: 'firstReminderLetterFollowUpDays',
      valueUnsignedInt: input.firstReminderLetterFollowUpDays,
    },
    {
      name: 'shortlist',
      resource: {
        meta: { profile: [PROFILE.shortlist] },
        resourceType: 'List',
        status: 'current',
        mode: 'snapshot',
        contained: [
          {
            resourceType: 'Parameters',
            meta: { profile: [PROFILE.serviceSearchCriteria] },
            id: 'ServiceSearchCriteria-1',
            parameter: criteria(input),
          },
        ],
        entry: input.serviceIds.map((id) => ({
          item: { identifier: { system: SYSTEM.ersService, value: id } },
        })),
        extension: [
          {
            url: EXTENSION.shortlistSearchCriteria,
            valueReference: { reference: '#ServiceSearchCriteria-1' },
          },
        ],
      },
    },
  );
  return {
    resourceType: 'Parameters',
    meta: {
      profile: [
        triage
          ? PROFILE.createReferralAndSendForTriageParameters
          : PROFILE.createReferralParameters,
      ],
    },
    parameter,
  };
}

export function createReferralRequest(
  input: CreateReferralInput,
  triage: boolean,
): OperationRequest {
  return {
    method: 'POST',
    path: triage
      ? '/ReferralRequest/$ers.createReferralAndSendForTriage'
      : '/ReferralRequest/$ers.createReferral',
    body: createReferralBody(input, triage),
    expect: 'fhir',
  };
}
