import { z } from 'zod';
import { PROFILE } from '../systems.js';
import {
  attachmentFile,
  documentReference,
  ifMatch,
  instant,
  operation,
  ubrn,
  version,
} from './common.js';
import { REFERRER_ROLES } from './types.js';

/**
 * A012: REPLACES the referral's whole referrer letter set with these files (uploaded by A020):
 * a file left out is detached, so add a letter by sending the current ones (A005) with it.
 */
export const A012 = operation({
  id: 'A012',
  name: 'Maintain referral letter',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.maintainReferralLetter'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-MaintainReferralLetter-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      files: z
        .array(
          attachmentFile.extend({ description: z.string().max(200).default('Referral letter') }),
        )
        .min(1),
      indexed: instant.optional(),
    })
    .strict()
    .superRefine((i, ctx) => {
      if (i.indexed === undefined && i.files.some((f) => f.indexed === undefined))
        ctx.addIssue({ code: 'custom', path: ['indexed'], message: 'is required' });
    }),
  build: (i) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.maintainReferralLetter`,
    headers: ifMatch(i.version),
    body: {
      resourceType: 'Parameters',
      meta: { profile: [PROFILE.maintainReferralLetterParameters] },
      parameter: i.files.map((f) => ({
        name: 'referralLetterFile',
        resource: documentReference(f, 'REFERRER', i.indexed),
      })),
    },
    expect: 'fhir',
  }),
  auditType: 'API A012',
  resourceType: 'Referral Request',
});
