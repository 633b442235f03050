import { z } from 'zod';
import { CS, SD, SYSTEM } from '../systems.js';
import { identifier, nhsNumber, operation, parameters, sdsUserId } from './common.js';
import { criteria, searchCriteriaFields, searchCriteriaProblems } from './shortlist.js';
import { REFERRER_ROLES } from './types.js';

/** A010: services for a patient, by the criteria a later A011/A021 shortlist must repeat. */
export const A010 = operation({
  id: 'A010',
  name: 'Patient service search',
  method: 'POST',
  paths: ['/HealthcareService/$ers.searchHealthcareServicesForPatient'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-PatientServiceSearch-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ...searchCriteriaFields,
      nhsNumber,
      requestType: z
        .enum(['APPOINTMENT_REQUEST', 'ADVICE_AND_GUIDANCE_REQUEST'])
        .default('APPOINTMENT_REQUEST'),
      sortBy: z.enum(['DISTANCE', 'IWT']).default('DISTANCE'),
      /** The clinician referred for: an admin acting for a clinician, or a clinician naming one. */
      referringClinician: sdsUserId.optional(),
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
    }),
  build: (i, ctx) => ({
    method: 'POST',
    path: '/HealthcareService/$ers.searchHealthcareServicesForPatient',
    body: parameters('eRS-PatientServiceSearch-Parameters-1', [
      {
        name: 'requestType',
        valueCoding: { system: `${CS}/eRS-RequestType-1`, code: i.requestType },
      },
      { name: 'sortBy', valueCoding: { system: `${CS}/eRS-SortBy-1`, code: i.sortBy } },
      { name: 'patient', valueIdentifier: identifier(SYSTEM.nhsNumber, i.nhsNumber) },
      ...(i.referringClinician
        ? [
            {
              name: 'referringClinician',
              valueIdentifier: identifier(SYSTEM.sdsUserId, i.referringClinician),
            },
          ]
        : []),
      {
        name: 'searchCriteria',
        resource: {
          resourceType: 'Parameters',
          meta: { profile: [`${SD}/eRS-ServiceSearchCriteria-Parameters-1`] },
          id: 'ServiceSearchCriteria-1',
          parameter: criteria(i, ctx),
        },
      },
      ...(i.commissioningRuleOrganisation
        ? [
            {
              name: 'commissioningRuleOrganisation',
              valueIdentifier: identifier(
                SYSTEM.odsOrganizationCode,
                i.commissioningRuleOrganisation,
              ),
            },
          ]
        : []),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API A010',
  resourceType: undefined,
});
