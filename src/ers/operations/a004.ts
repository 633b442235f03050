import { z } from 'zod';
import { DYNAMIC_CODE_SYSTEMS } from '../systems.js';
import { operation } from './common.js';
import { ANY_ROLE } from './types.js';

/** A004: one of the six dynamic code systems (reference data). */
export const A004 = operation({
  id: 'A004',
  name: 'Retrieve reference data',
  method: 'GET',
  paths: ['/CodeSystem/{codeSystemType}'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z.object({ type: z.enum(DYNAMIC_CODE_SYSTEMS) }).strict(),
  build: (i) => ({ method: 'GET', path: `/CodeSystem/${i.type}`, expect: 'fhir' }),
  auditType: 'API Retrieve Reference Data',
  resourceType: undefined,
});
