import { operation } from './common.js';
import { ChangeShortlistInputSchema, changeShortlistRequest } from './change-shortlist.js';
import { REFERRER_ROLES } from './types.js';

/** A032: change the shortlist to one triage service and send for triage (deprecated: A031 + A016 TRIAGE). */
export const A032 = operation({
  id: 'A032',
  name: 'Change shortlist and send for triage',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.changeShortlistAndSendForTriage'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-ChangeShortlistAndSendForTriage-Request-Parameters-1',
  deprecated: true,
  input: ChangeShortlistInputSchema,
  build: (i, ctx) => changeShortlistRequest(i, true, ctx),
  auditType: 'API A032',
  resourceType: 'Referral Request',
});
