import { z } from 'zod';
import { CS, SD, SYSTEM } from '../systems.js';
import {
  CreateReferralInputSchema,
  SEARCH_CRITERIA_KEYS,
  criteria,
  type SearchCriteria,
} from './create-referral.js';
import { nhsNumber, ubrn } from './common.js';
import type { OperationRequest } from './types.js';

/** A004: reference data code systems (ENDPOINTS.md §2.8; the last three are platform-only). */
export const REFERENCE_DATA_TYPES = [
  'SPECIALTY',
  'CLINIC-TYPE',
  'APPOINTMENT-CANCELLATION-REASON',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
  'PRIORITY',
] as const;
export const ReferenceDataInputSchema = z.object({ type: z.enum(REFERENCE_DATA_TYPES) }).strict();
export const referenceDataRequest = (
  i: z.infer<typeof ReferenceDataInputSchema>,
): OperationRequest => ({ method: 'GET', path: `/CodeSystem/${i.type}`, expect: 'fhir' });

/** A006: an attachment's bytes, by the `Binary/<id>` of a DocumentReference (≤ 5 MB). */
export const RetrieveAttachmentInputSchema = z
  .object({
    attachmentUrl: z.string().regex(/^Binary\/[\w.-]+$/, 'must be Binary/<id> from the referral'),
  })
  .strict();
export const retrieveAttachmentRequest = (
  i: z.infer<typeof RetrieveAttachmentInputSchema>,
): OperationRequest => ({
  method: 'GET',
  path: `/${i.attachmentUrl}`,
  headers: { Accept: '*/*' },
  expect: 'binary',
});

/** A007: the clinical information summary PDF of a referral. */
export const ClinicalInformationInputSchema = z.object({ ubrn }).strict();
export const clinicalInformationRequest = (
  i: z.infer<typeof ClinicalInformationInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.generateCRI`,
  headers: { Accept: 'application/pdf' },
  expect: 'binary',
});

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

/** A010: services for a patient, by the criteria a later A011/A021 shortlist must repeat. */
export const ServiceSearchInputSchema = CreateReferralInputSchema.pick(SEARCH_CRITERIA_KEYS)
  .extend({
    nhsNumber,
    requestType: z
      .enum(['APPOINTMENT_REQUEST', 'ADVICE_AND_GUIDANCE_REQUEST'])
      .default('APPOINTMENT_REQUEST'),
    sortBy: z.enum(['DISTANCE', 'IWT']).default('DISTANCE'),
    /** Only when the user is a referring clinician admin acting for a clinician. */
    referringClinician: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    /** The Commissioning-Rule-Org of an existing referral whose services are searched again. */
    commissioningRuleOrganisation: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    for (const p of searchCriteriaProblems(i))
      ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
    if (i.commissioningRuleOrganisation && i.requestType === 'ADVICE_AND_GUIDANCE_REQUEST')
      ctx.addIssue({
        code: 'custom',
        path: ['commissioningRuleOrganisation'],
        message: 'is not supported for ADVICE_AND_GUIDANCE_REQUEST',
      });
  });
export function serviceSearchRequest(
  i: z.infer<typeof ServiceSearchInputSchema>,
): OperationRequest {
  return {
    method: 'POST',
    path: '/HealthcareService/$ers.searchHealthcareServicesForPatient',
    body: {
      resourceType: 'Parameters',
      meta: { profile: [`${SD}/eRS-PatientServiceSearch-Parameters-1`] },
      parameter: [
        {
          name: 'requestType',
          valueCoding: { system: `${CS}/eRS-RequestType-1`, code: i.requestType },
        },
        { name: 'sortBy', valueCoding: { system: `${CS}/eRS-SortBy-1`, code: i.sortBy } },
        { name: 'patient', valueIdentifier: { system: SYSTEM.nhsNumber, value: i.nhsNumber } },
        ...(i.referringClinician
          ? [
              {
                name: 'referringClinician',
                valueIdentifier: { system: SYSTEM.sdsUserId, value: i.referringClinician },
              },
            ]
          : []),
        ...(i.commissioningRuleOrganisation
          ? [
              {
                name: 'commissioningRuleOrganisation',
                valueIdentifier: {
                  system: SYSTEM.odsOrganizationCode,
                  value: i.commissioningRuleOrganisation,
                },
              },
            ]
          : []),
        {
          name: 'searchCriteria',
          resource: {
            resourceType: 'Parameters',
            meta: { profile: [`${SD}/eRS-ServiceSearchCriteria-Parameters-1`] },
            id: 'ServiceSearchCriteria-1',
            parameter: criteria(i),
          },
        },
      ],
    },
    expect: 'fhir',
  };
}
