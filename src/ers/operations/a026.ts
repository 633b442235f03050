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

/** A026: the provider's answer to an A&G request (ask for more, or advise). */
export const A026 = operation({
  id: 'A026',
  name: 'Send advice and guidance response',
  method: 'POST',
  paths: ['/CommunicationRequest/{ubrn}/$ers.sendCommunicationToRequester'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: 'eRS-SendCommunicationToRequester-Request-Parameters-1',
  deprecated: false,
  input: z
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
      indexed: instant.optional(),
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
    }),
  build: (i) => ({
    method: 'POST',
    path: `/CommunicationRequest/${i.ubrn}/$ers.sendCommunicationToRequester`,
    headers: ifMatch(i.version),
    body: parameters('eRS-SendCommunicationToRequester-Request-Parameters-1', [
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
      { name: 'guidance', valueString: i.guidance },
      { name: 'updatedPriority', valueCoding: priorityCoding(i.priority) },
      ...linked('guidanceAttachmentFile', i.files, 'GUIDANCE_RESPONSE', i.indexed),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API A026',
  resourceType: 'Referral Request',
});
