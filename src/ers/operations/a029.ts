import { z } from 'zod';
import { operation, ubrn, version } from './common.js';
import { ANY_ROLE } from './types.js';

/** A029: what the current user may do with a referral now (never cached). */
export const A029 = operation({
  id: 'A029',
  name: 'Available actions for user',
  method: 'GET',
  paths: ['/Task'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn, version }).strict(),
  build: (i) => ({
    method: 'GET',
    path: `/Task?${new URLSearchParams({
      focus: `ReferralRequest/${i.ubrn}/_history/${i.version}`,
      intent: 'proposal',
      status: 'ready',
    }).toString()}`,
    expect: 'fhir',
  }),
  auditType: 'API A029',
  resourceType: 'Referral Request',
});
