import { z } from 'zod';
import { operation, ubrn, version, versionedRead } from './common.js';
import { ANY_ROLE } from './types.js';

/** A005: a referral, the latest or a given version (`/_history/{v}`). */
export const A005 = operation({
  id: 'A005',
  name: 'Retrieve referral request',
  method: 'GET',
  paths: ['/ReferralRequest/{ubrn}', '/ReferralRequest/{ubrn}/_history/{version}'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn, version: version.optional() }).strict(),
  build: (i) => versionedRead(`/ReferralRequest/${i.ubrn}`, i.version),
  auditType: 'API Retrieve Request Summary',
  resourceType: 'Referral Request',
});
