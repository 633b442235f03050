import { z } from 'zod';
import { PROFILE, SYSTEM } from '../systems.js';
import { identifier, instant, nhsNumber, sdsUserId, type Parameter } from './common.js';
import { letterFields, letterParameters, shortlist, shortlistFields } from './shortlist.js';
import type { BuildContext, OperationRequest } from './types.js';

/** Logical inputs of A011 (create referral) and A021 (create and send for triage). */
export const CreateReferralInputSchema = z
  .object({
    nhsNumber,
    ...shortlistFields,
    ...letterFields,
    /** The clinician referred for: an admin acting for a clinician, or a clinician naming one. */
    referringClinician: sdsUserId.optional(),
    /** When the patient's pathway started (A011 only; e-RS uses the referral's creation). */
    eReferralPathwayStart: instant.optional(),
  })
  .strict();
export type CreateReferralInput = z.infer<typeof CreateReferralInputSchema>;

/** Pure: the FHIR Parameters body of A011 or A021, the shape of NHS's examples. */
export function createReferralBody(
  input: CreateReferralInput,
  triage: boolean,
  ctx: BuildContext,
): Record<string, unknown> {
  const parameter: Parameter[] = [
    { name: 'patient', valueIdentifier: identifier(SYSTEM.nhsNumber, input.nhsNumber) },
  ];
  if (input.referringClinician)
    parameter.push({
      name: 'referringClinician',
      valueIdentifier: identifier(SYSTEM.sdsUserId, input.referringClinician),
    });
  parameter.push(...letterParameters(input));
  if (input.eReferralPathwayStart && !triage)
    parameter.push({ name: 'eReferralPathwayStart', valueInstant: input.eReferralPathwayStart });
  parameter.push({ name: 'shortlist', resource: shortlist(input, ctx) });
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
  ctx: BuildContext,
): OperationRequest {
  return {
    method: 'POST',
    path: triage
      ? '/ReferralRequest/$ers.createReferralAndSendForTriage'
      : '/ReferralRequest/$ers.createReferral',
    body: createReferralBody(input, triage, ctx),
    expect: 'fhir',
  };
}
