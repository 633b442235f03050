import { operation } from './common.js';
import { ChangeShortlistInputSchema, changeShortlistRequest } from './change-shortlist.js';
import { REFERRER_ROLES } from './types.js';

/** A031: replace an unbooked referral's shortlist (and its search criteria). */
export const A031 = operation({
  id: 'A031',
  name: 'Change shortlist',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.changeShortlist'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-ChangeShortlist-Parameters-1',
  deprecated: false,
  input: ChangeShortlistInputSchema,
  build: (i, ctx) => changeShortlistRequest(i, false, ctx),
  auditType: 'API A031',
  resourceType: 'Referral Request',
});
