import { z } from 'zod';
import { operation, ubrn, version, versionedRead } from './common.js';
import { ANY_ROLE } from './types.js';

/** A024: an A&G request (latest, or the given version). */
export const A024 = operation({
  id: 'A024',
  name: 'Retrieve advice and guidance request summary',
  method: 'GET',
  paths: ['/CommunicationRequest/{ubrn}', '/CommunicationRequest/{ubrn}/_history/{version}'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ ubrn, version: version.optional() }).strict(),
  build: (i) => versionedRead(`/CommunicationRequest/${i.ubrn}`, i.version),
  auditType: 'API Retrieve Request Summary',
  resourceType: 'Referral Request',
});
