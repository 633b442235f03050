import { z } from 'zod';
import { defaultBuildContext } from '../environment.js';
import { CODE_SYSTEM, PRIORITIES, PROFILE, SD, SYSTEM } from '../systems.js';
import { isUbrn, isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.js';
import { readStandard } from '../readers/standard.js';
import type { Answer, BuildContext, OperationRecord, OperationRequest } from './types.js';

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
export const serviceId = z.string().regex(/^\d+$/, 'must be a numeric e-RS service id');
export const sdsUserId = z.string().regex(/^\d{12}$/, 'must be a 12-digit SDS user id');
/** A FHIR instant/dateTime with offset, any fraction (NHS's examples carry microseconds). */
export const instant = z.iso.datetime({ offset: true });
export const ifMatch = (v: string): Record<string, string> => ({ 'If-Match': `W/"${v}"` });

/** Pure: a read of a resource, its latest version or `/_history/{version}` (A005, A024, A038). */
export const versionedRead = (path: string, v: string | undefined): OperationRequest => ({
  method: 'GET',
  path: `${path}${v ? `/_history/${v}` : ''}`,
  expect: 'fhir',
});

/** Pure: a `$ers.generateCRI` summary PDF of a request (A007 referral, A043 A&G). */
export const summaryPdf = (path: string): OperationRequest => ({
  method: 'POST',
  path: `${path}/$ers.generateCRI`,
  headers: { Accept: 'application/pdf' },
  expect: 'binary',
});

/** A file uploaded by A020, to link with a DocumentReference (A012, A022, A026–A028, A044). */
export const attachmentFile = z
  .object({
    url: z.string().regex(/^Binary\/[\w.-]+$/, 'must be Binary/<id> from an upload'),
    description: z.string().min(1).max(200),
    /** When this file was indexed; defaults to the step's `indexed`. */
    indexed: instant.optional(),
  })
  .strict();
export type AttachmentFile = z.infer<typeof attachmentFile>;
/** Files to link; absent when none (no empty arrays in the recorded inputs). */
export const files = z.array(attachmentFile).max(20).optional();

/** DocumentReferences need the time they were indexed; required only when a file lacks its own. */
export function needsIndexed(
  i: { indexed?: string | undefined },
  lists: readonly (readonly AttachmentFile[] | undefined)[],
  ctx: z.RefinementCtx,
): void {
  if (i.indexed === undefined && lists.some((l) => l?.some((f) => f.indexed === undefined)))
    ctx.addIssue({ code: 'custom', path: ['indexed'], message: 'is required with attachments' });
}

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
  indexed: string | undefined,
): Record<string, unknown> {
  return {
    resourceType: 'DocumentReference',
    meta: { profile: [PROFILE.documentReference] },
    status: 'current',
    type: { coding: [{ system: CODE_SYSTEM.attachmentType, code: type }] },
    indexed: file.indexed ?? indexed ?? '',
    description: file.description,
    content: [{ attachment: { url: file.url } }],
  };
}

/** Pure: `name` parameters, one DocumentReference each. */
export const linked = (
  name: string,
  list: readonly AttachmentFile[] | undefined,
  type: (typeof ATTACHMENT_TYPES)[number],
  at: string | undefined,
): Parameter[] => (list ?? []).map((f) => ({ name, resource: documentReference(f, type, at) }));

export type Parameter = Record<string, unknown> & { name: string };

export const parameters = (profile: string, parameter: unknown[]): Record<string, unknown> => ({
  resourceType: 'Parameters',
  meta: { profile: [`${SD}/${profile}`] },
  parameter,
});

/**
 * The order FHIR `parameter` entries go out in. e-RS reads them by name, but NHS's sandbox
 * compares bodies exactly, and its own examples list some in different orders; `order` (names)
 * reproduces one of them. Names not in `order` keep their place after the ordered ones.
 */
export const parameterOrder = z.array(z.string().min(1)).max(30).optional();
export function ordered<P extends { name: string }>(
  list: readonly P[],
  order: readonly string[] | undefined,
): P[] {
  if (order === undefined) return [...list];
  const rank = (p: P): number => {
    const i = order.indexOf(p.name);
    return i < 0 ? order.length : i;
  };
  return list
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

export const priorityCoding = (code: string): Record<string, string> => ({
  system: CODE_SYSTEM.priority,
  code,
});

export const identifier = (system: string, value: string): Record<string, string> => ({
  system,
  value,
});
export const sdsUser = (value: string): Record<string, string> =>
  identifier(SYSTEM.sdsUserId, value);

/** `{base}/STU3/CodeSystem/<ID>`: a dynamic (environment-specific) code system of A004. */
export const dynamicSystem = (ctx: BuildContext, id: string): string =>
  `${ctx.codeSystemBase}/STU3/CodeSystem/${id}`;

/** The default answer reader: ubrn, version, attachmentUrl. */
export const standardReader = (answer: Answer): Record<string, string> => readStandard(answer);

/** An operation record, with the build context defaulting to NHS's own spelling. */
export function operation<T, I extends string>(
  record: Omit<OperationRecord<T>, 'build' | 'read' | 'id'> & {
    id: I;
    build(input: T, ctx: BuildContext): OperationRequest;
    read?: OperationRecord<T>['read'];
  },
): OperationRecord<T> & { readonly id: I } {
  return {
    ...record,
    read: record.read ?? standardReader,
    build: (input, ctx) => record.build(input, ctx ?? defaultBuildContext(record.id)),
  };
}
