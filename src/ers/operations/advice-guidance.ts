import { z } from 'zod';
import { CS, SD, SYSTEM } from '../systems.js';
import {
  attachmentFile,
  documentReference,
  ifMatch,
  priority,
  priorityCoding,
  ubrn,
  version,
  type AttachmentFile,
} from './common.js';
import type { OperationRequest } from './types.js';

/** Advice and Guidance (A023–A027) and triage review (A028, A029): ENDPOINTS.md §5. */

const files = z.array(attachmentFile).max(20).default([]);
const indexed = z.iso.datetime({ offset: true }).optional();
/** DocumentReferences need the time they were indexed; required only when files are linked. */
const needsIndexed = (
  i: { indexed?: string | undefined },
  lists: readonly (readonly AttachmentFile[])[],
  ctx: z.RefinementCtx,
): void => {
  if (i.indexed === undefined && lists.some((l) => l.length > 0))
    ctx.addIssue({ code: 'custom', path: ['indexed'], message: 'is required with attachments' });
};
const linked = (
  name: string,
  list: readonly AttachmentFile[],
  type: 'PROVIDER' | 'GUIDANCE_RESPONSE',
  at: string | undefined,
) => list.map((f) => ({ name, resource: documentReference(f, type, at ?? '') }));
const parameters = (profile: string, parameter: unknown[]): Record<string, unknown> => ({
  resourceType: 'Parameters',
  meta: { profile: [`${SD}/${profile}`] },
  parameter,
});

/** A023: the provider's A&G worklist, optionally for one service. */
export const AdviceWorklistInputSchema = z
  .object({ serviceId: z.string().regex(/^\d+$/).optional() })
  .strict();
export const adviceWorklistRequest = (
  i: z.infer<typeof AdviceWorklistInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: '/CommunicationRequest/$ers.fetchworklist',
  body: parameters('eRS-FetchWorklist-Parameters-1', [
    {
      name: 'listType',
      valueCodeableConcept: {
        coding: [
          { system: `${CS}/eRS-CommunicationListSelector-1`, code: 'ADVICE_AND_GUIDANCE_REQUESTS' },
        ],
      },
    },
    ...(i.serviceId
      ? [{ name: 'service', valueIdentifier: { system: SYSTEM.ersService, value: i.serviceId } }]
      : []),
  ]),
  expect: 'fhir',
});

/** A024: an A&G request (latest, or the given version, which must be the latest). */
export const AdviceSummaryInputSchema = z.object({ ubrn, version: version.optional() }).strict();
export const adviceSummaryRequest = (
  i: z.infer<typeof AdviceSummaryInputSchema>,
): OperationRequest => ({
  method: 'GET',
  path: `/CommunicationRequest/${i.ubrn}${i.version ? `/_history/${i.version}` : ''}`,
  expect: 'fhir',
});

/** A025: the A&G conversation; the includes are asked for explicitly (defaults may change). */
export const AdviceConversationInputSchema = z.object({ ubrn, version }).strict();
export const adviceConversationRequest = (
  i: z.infer<typeof AdviceConversationInputSchema>,
): OperationRequest => {
  const query = new URLSearchParams([
    ['based-on', `CommunicationRequest/${i.ubrn}/_history/${i.version}`],
    ['_include', 'Communication:requester-practitionerrole:PractitionerRole'],
    // "PractionerRole" is the spelling e-RS defines for this include.
    ['_include', 'Communication:sender-practitionerrole:PractionerRole'],
    ['_include', 'Communication:content-reference:DocumentReference'],
  ]);
  return { method: 'GET', path: `/Communication?${query.toString()}`, expect: 'fhir' };
};

/** A026: the provider's answer to an A&G request (ask for more, or advise). */
export const SendAdviceResponseInputSchema = z
  .object({
    ubrn,
    version,
    guidance: z.string().min(1).max(8000),
    outcome: z.enum(['REQUIRE_FURTHER_INFORMATION', 'RETURN_TO_REFERRER_WITH_ADVICE']),
    priority,
    recommendation: z
      .enum([
        'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED',
        'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
        'REFERRAL_RECOMMENDED',
        'OTHER',
      ])
      .optional(),
    files,
    indexed,
  })
  .strict()
  .superRefine((i, ctx) => {
    const advising = i.outcome === 'RETURN_TO_REFERRER_WITH_ADVICE';
    if (advising !== (i.recommendation !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['recommendation'],
        message: advising
          ? 'is required with RETURN_TO_REFERRER_WITH_ADVICE'
          : 'is only allowed with RETURN_TO_REFERRER_WITH_ADVICE',
      });
    needsIndexed(i, [i.files], ctx);
  });
export const sendAdviceResponseRequest = (
  i: z.infer<typeof SendAdviceResponseInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/CommunicationRequest/${i.ubrn}/$ers.sendCommunicationToRequester`,
  headers: ifMatch(i.version),
  body: parameters('eRS-SendCommunicationToRequester-Request-Parameters-1', [
    { name: 'guidance', valueString: i.guidance },
    {
      name: 'guidanceOutcome',
      valueCoding: { system: `${CS}/eRS-GuidanceResponseOutcome-1`, code: i.outcome },
    },
    ...(i.recommendation
      ? [
          {
            name: 'guidanceIntendedRecommendation',
            valueCoding: {
              system: `${CS}/eRS-GuidanceIntendedRecommendation-1`,
              code: i.recommendation,
            },
          },
        ]
      : []),
    { name: 'updatedPriority', valueCoding: priorityCoding(i.priority) },
    ...linked('guidanceAttachmentFile', i.files, 'GUIDANCE_RESPONSE', i.indexed),
  ]),
  expect: 'fhir',
});

/** A027: convert an A&G request into a referral (same UBRN), to be booked later. */
export const ConvertAdviceInputSchema = z
  .object({
    ubrn,
    version,
    guidance: z.string().min(1).max(8000),
    priority,
    reviewComments: z.string().min(1).max(2000),
    guidanceFiles: files,
    reviewFiles: files,
    indexed,
  })
  .strict()
  .superRefine((i, ctx) => {
    needsIndexed(i, [i.guidanceFiles, i.reviewFiles], ctx);
  });
export const convertAdviceRequest = (
  i: z.infer<typeof ConvertAdviceInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: '/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
  body: parameters('eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1', [
    {
      name: 'createFrom',
      valueReference: { reference: `CommunicationRequest/${i.ubrn}/_history/${i.version}` },
    },
    { name: 'guidance', valueString: i.guidance },
    { name: 'newReferralPriority', valueCoding: priorityCoding(i.priority) },
    ...linked('guidanceAttachmentFile', i.guidanceFiles, 'GUIDANCE_RESPONSE', i.indexed),
    { name: 'reviewComments', valueString: i.reviewComments },
    ...linked('reviewAttachmentFile', i.reviewFiles, 'PROVIDER', i.indexed),
  ]),
  expect: 'fhir',
});

/** A028: the provider's triage review outcome (check A029 offers RECORD_REVIEW_OUTCOME first). */
export const RecordReviewOutcomeInputSchema = z
  .object({
    ubrn,
    version,
    outcome: z.enum(['ACCEPT_REFER_BOOK_LATER', 'RETURN_TO_REFERRER_WITH_ADVICE']),
    comments: z.string().min(1).max(2000),
    priority: priority.optional(),
    files,
    indexed,
  })
  .strict()
  .superRefine((i, ctx) => {
    if (i.outcome === 'ACCEPT_REFER_BOOK_LATER' && i.priority === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['priority'],
        message: 'is required with ACCEPT_REFER_BOOK_LATER',
      });
    needsIndexed(i, [i.files], ctx);
  });
export const recordReviewOutcomeRequest = (
  i: z.infer<typeof RecordReviewOutcomeInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.recordReviewOutcome`,
  headers: ifMatch(i.version),
  body: parameters('eRS-RecordReviewOutcome-Parameters-1', [
    ...(i.priority ? [{ name: 'reviewPriority', valueCoding: priorityCoding(i.priority) }] : []),
    {
      name: 'reviewOutcome',
      valueCoding: { system: `${CS}/eRS-ReviewOutcome-1`, code: i.outcome },
    },
    { name: 'reviewComments', valueString: i.comments },
    ...linked('reviewAttachmentFile', i.files, 'PROVIDER', i.indexed),
  ]),
  expect: 'fhir',
});

/** A029: what the current user may do with a referral now (never cached). */
export const AvailableActionsInputSchema = z.object({ ubrn, version }).strict();
export const availableActionsRequest = (
  i: z.infer<typeof AvailableActionsInputSchema>,
): OperationRequest => ({
  method: 'GET',
  path: `/Task?${new URLSearchParams({
    focus: `ReferralRequest/${i.ubrn}/_history/${i.version}`,
    intent: 'proposal',
    status: 'ready',
  }).toString()}`,
  expect: 'fhir',
});
