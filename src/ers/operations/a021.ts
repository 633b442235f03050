import { operation } from './common.js';
import { CreateReferralInputSchema, createReferralRequest } from './create-referral.js';
import { REFERRER_ROLES } from './types.js';

/** A021: create a referral and send it for triage (deprecated: A011 then A016 deferral TRIAGE). */
export const A021 = operation({
  id: 'A021',
  name: 'Create referral and send for triage',
  method: 'POST',
  paths: ['/ReferralRequest/$ers.createReferralAndSendForTriage'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-CreateReferralAndSendForTriage-Parameters-1',
  deprecated: true,
  input: CreateReferralInputSchema,
  build: (i, ctx) => createReferralRequest(i, true, ctx),
  auditType: 'API A021',
  resourceType: 'Referral Request',
});
