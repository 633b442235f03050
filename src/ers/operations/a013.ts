import { z } from 'zod';
import { ifMatch, operation, ubrn, version } from './common.js';
import { PROVIDER_ROLES } from './types.js';

/** A013: accept a referral after review. */
export const A013 = operation({
  id: 'A013',
  name: 'Accept referral',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.acceptReferral'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn, version }).strict(),
  build: (i) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.acceptReferral`,
    headers: ifMatch(i.version),
    expect: 'fhir',
  }),
  auditType: 'API A013',
  resourceType: 'Referral Request',
});
