import { z } from 'zod';
import { CODE_SYSTEM, PRIORITIES, PROFILE } from '../systems.js';
import { isUbrn, isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.js';

/** Input pieces shared by the builders (ENDPOINTS.md §2.5–2.7). */
export const ubrn = z.string().refine(isUbrn, 'must be a 12-digit UBRN');
/** The resource version an update applies to (If-Match: W/"n" or `_history/n`); stale → 409. */
export const version = z
  .string()
  .regex(/^\d+$/, 'must be the numeric version (ETag) of the resource');
export const nhsNumber = z
  .string()
  .transform(normaliseNhsNumber)
  .refine(isValidNhsNumber, 'is not a valid NHS number (modulus 11 check digit)');
export const priority = z.enum(PRIORITIES);
export const ifMatch = (v: string): Record<string, string> => ({ 'If-Match': `W/"${v}"` });

/** A file uploaded by A020, to link with a DocumentReference (A012, A026, A027, A028). */
export const attachmentFile = z
  .object({
    url: z.string().regex(/^Binary\/[\w.-]+$/, 'must be Binary/<id> from an upload'),
    description: z.string().min(1).max(200),
  })
  .strict();
export type AttachmentFile = z.infer<typeof attachmentFile>;

export const ATTACHMENT_TYPES = [
  'REFERRER',
  'PROVIDER',
  'ADVICE_REQUEST',
  'GUIDANCE_RESPONSE',
] as const;

/** Pure: a request-side DocumentReference (meta, status, type, indexed, description, url). */
export function documentReference(
  file: AttachmentFile,
  type: (typeof ATTACHMENT_TYPES)[number],
  indexed: string,
): Record<string, unknown> {
  return {
    resourceType: 'DocumentReference',
    meta: { profile: [PROFILE.documentReference] },
    status: 'current',
    type: { coding: [{ system: CODE_SYSTEM.attachmentType, code: type }] },
    indexed,
    description: file.description,
    content: [{ attachment: { url: file.url } }],
  };
}

export const priorityCoding = (code: string): Record<string, string> => ({
  system: CODE_SYSTEM.priority,
  code,
});
