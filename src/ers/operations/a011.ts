import { operation } from './common.js';
import { CreateReferralInputSchema, createReferralRequest } from './create-referral.js';
import { REFERRER_ROLES } from './types.js';

/** A011: create a referral with a shortlist (booking or triage follows). */
export const A011 = operation({
  id: 'A011',
  name: 'Create referral',
  method: 'POST',
  paths: ['/ReferralRequest/$ers.createReferral'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-CreateReferral-Parameters-1',
  deprecated: false,
  input: CreateReferralInputSchema,
  build: (i, ctx) => createReferralRequest(i, false, ctx),
  auditType: 'API A011',
  resourceType: 'Referral Request',
});
