import { z } from 'zod';
import { CS } from '../systems.js';
import {
  files,
  ifMatch,
  instant,
  linked,
  needsIndexed,
  operation,
  parameters,
  priority,
  priorityCoding,
  ubrn,
  version,
} from './common.js';
import { PROVIDER_ROLES } from './types.js';

/** A028: the provider's triage review outcome (check A029 offers RECORD_REVIEW_OUTCOME first). */
export const A028 = operation({
  id: 'A028',
  name: 'Record triage outcome',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.recordReviewOutcome'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: 'eRS-RecordReviewOutcome-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      outcome: z.enum(['ACCEPT_REFER_BOOK_LATER', 'RETURN_TO_REFERRER_WITH_ADVICE']),
      comments: z.string().min(1).max(2000),
      priority: priority.optional(),
      files,
      indexed: instant.optional(),
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
    }),
  build: (i) => ({
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
  }),
  auditType: 'API A028',
  resourceType: 'Referral Request',
});
