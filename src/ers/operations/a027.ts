import { z } from 'zod';
import {
  files,
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

/** A027: the provider converts an A&G request into a referral (same UBRN), booked later. */
export const A027 = operation({
  id: 'A027',
  name: 'Convert advice and guidance request to referral',
  method: 'POST',
  paths: ['/ReferralRequest/$ers.createFromCommunicationRequestActionLater'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: 'eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      guidance: z.string().min(1).max(8000),
      priority,
      reviewComments: z.string().min(1).max(2000),
      guidanceFiles: files,
      reviewFiles: files,
      indexed: instant.optional(),
    })
    .strict()
    .superRefine((i, ctx) => {
      needsIndexed(i, [i.guidanceFiles, i.reviewFiles], ctx);
    }),
  build: (i) => ({
    method: 'POST',
    path: '/ReferralRequest/$ers.createFromCommunicationRequestActionLater',
    body: parameters('eRS-CreateFromCommunicationRequestActionLater-Request-Parameters-1', [
      {
        name: 'createFrom',
        valueReference: { reference: `CommunicationRequest/${i.ubrn}/_history/${i.version}` },
      },
      { name: 'guidance', valueString: i.guidance },
      { name: 'newReferralPriority', valueCoding: priorityCoding(i.priority) },
      { name: 'reviewComments', valueString: i.reviewComments },
      ...linked('guidanceAttachmentFile', i.guidanceFiles, 'GUIDANCE_RESPONSE', i.indexed),
      ...linked('reviewAttachmentFile', i.reviewFiles, 'PROVIDER', i.indexed),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API A027',
  resourceType: 'Referral Request',
});
