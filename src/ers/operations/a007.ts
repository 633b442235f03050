import { z } from 'zod';
import { operation, summaryPdf, ubrn } from './common.js';
import { ANY_ROLE } from './types.js';

/** A007: the clinical information summary PDF of a referral. */
export const A007 = operation({
  id: 'A007',
  name: 'Retrieve clinical information',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.generateCRI'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn }).strict(),
  build: (i) => summaryPdf(`/ReferralRequest/${i.ubrn}`),
  auditType: 'API Retrieve Clinical Information',
  resourceType: 'Referral Request',
});
