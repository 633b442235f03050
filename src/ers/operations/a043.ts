import { z } from 'zod';
import { operation, summaryPdf, ubrn } from './common.js';
import { ANY_ROLE } from './types.js';

/** A043: the A&G request overview PDF. */
export const A043 = operation({
  id: 'A043',
  name: 'Retrieve advice and guidance overview PDF',
  method: 'POST',
  paths: ['/CommunicationRequest/{ubrn}/$ers.generateCRI'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn }).strict(),
  build: (i) => summaryPdf(`/CommunicationRequest/${i.ubrn}`),
  auditType: 'API Retrieve Clinical Information',
  resourceType: 'Referral Request',
});
