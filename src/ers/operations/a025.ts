import { z } from 'zod';
import { operation, ubrn, version } from './common.js';
import { ANY_ROLE } from './types.js';

/** The includes e-RS defines for A025 ("PractionerRole" is e-RS's own spelling). */
export const CONVERSATION_INCLUDES = [
  'Communication:requester-practitionerrole:PractitionerRole',
  'Communication:sender-practitionerrole:PractionerRole',
  'Communication:content-reference:DocumentReference',
] as const;

/** A025: the A&G conversation of one version of a request. */
export const A025 = operation({
  id: 'A025',
  name: 'Retrieve advice and guidance conversation',
  method: 'GET',
  paths: ['/Communication'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      /** Ask for the referenced resources too (e-RS includes them by default today). */
      include: z.boolean().default(false),
    })
    .strict(),
  build: (i) => {
    const query = new URLSearchParams([
      ['based-on', `CommunicationRequest/${i.ubrn}/_history/${i.version}`],
    ]);
    if (i.include) for (const inc of CONVERSATION_INCLUDES) query.append('_include', inc);
    return { method: 'GET', path: `/Communication?${query.toString()}`, expect: 'fhir' };
  },
  auditType: 'API A025',
  resourceType: 'Referral Request',
});
