import { z } from 'zod';
import { CODE_SYSTEM, PROFILE } from '../systems.js';
import { isUbrn } from '../nhs-number.js';
import type { OperationRequest } from './types.js';

const ubrn = z.string().refine(isUbrn, 'must be a 12-digit UBRN');
/** The referral version an update applies to (If-Match: W/"n"); stale → 409. */
const version = z.string().regex(/^\d+$/, 'must be the numeric version (ETag) of the referral');
const ifMatch = (v: string): Record<string, string> => ({ 'If-Match': `W/"${v}"` });

/** A005: retrieve a referral. */
export const RetrieveReferralInputSchema = z.object({ ubrn }).strict();
export const retrieveReferralRequest = (
  i: z.infer<typeof RetrieveReferralInputSchema>,
): OperationRequest => ({
  method: 'GET',
  path: `/ReferralRequest/${i.ubrn}`,
  expect: 'fhir',
});

/** A013: accept a referral after review. */
export const AcceptReferralInputSchema = z.object({ ubrn, version }).strict();
export const acceptReferralRequest = (
  i: z.infer<typeof AcceptReferralInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.acceptReferral`,
  headers: ifMatch(i.version),
  expect: 'fhir',
});

/** A014: reject a referral with a reason from APPOINTMENT-CANCELLATION-REASON (type PROVIDER_REJECT). */
export const RejectReferralInputSchema = z
  .object({
    ubrn,
    version,
    reason: z.string().min(1),
    comments: z.string().min(1).max(2000),
    appointmentCancelledInPas: z.boolean().optional(),
  })
  .strict();
export const rejectReferralRequest = (
  i: z.infer<typeof RejectReferralInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.rejectReferral`,
  headers: ifMatch(i.version),
  body: {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.rejectReferralParameters] },
    parameter: [
      {
        name: 'rejectionReason',
        valueCoding: { system: 'APPOINTMENT-CANCELLATION-REASON', code: i.reason },
      },
      { name: 'rejectionComments', valueString: i.comments },
      ...(i.appointmentCancelledInPas === undefined
        ? []
        : [{ name: 'appointmentCancelledInPAS', valueBoolean: i.appointmentCancelledInPas }]),
    ],
  },
  expect: 'fhir',
});

/** A012: replace the referral's referrer letters with files uploaded by A020. */
export const MaintainLetterInputSchema = z
  .object({
    ubrn,
    version,
    files: z
      .array(
        z
          .object({
            url: z.string().regex(/^Binary\/[\w.-]+$/, 'must be Binary/<id> from an upload'),
            description: z.string().max(200).default('Referral letter'),
          })
          .strict(),
      )
      .min(1),
    indexed: z.iso.datetime({ offset: true }),
  })
  .strict();
export const maintainLetterRequest = (
  i: z.infer<typeof MaintainLetterInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.maintainReferralLetter`,
  headers: ifMatch(i.version),
  body: {
    resourceType: 'Parameters',
    meta: { profile: [PROFILE.maintainReferralLetterParameters] },
    parameter: i.files.map((f) => ({
      name: 'referralLetterFile',
      resource: {
        resourceType: 'DocumentReference',
        meta: { profile: [PROFILE.documentReference] },
        status: 'current',
        type: {
          coding: [{ system: CODE_SYSTEM.attachmentType, code: 'REFERRER', display: 'Referrer' }],
        },
        indexed: i.indexed,
        description: f.description,
        content: [{ attachment: { url: f.url } }],
      },
    })),
  },
  expect: 'fhir',
});

/** A019: the patient letter (PDF) for an unbooked referral. */
export const PatientLetterInputSchema = z.object({ ubrn }).strict();
export const patientLetterRequest = (
  i: z.infer<typeof PatientLetterInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.generatePatientLetter`,
  headers: { Accept: 'application/pdf' },
  expect: 'binary',
});
