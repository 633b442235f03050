import { z } from 'zod';
import { CS, SYSTEM } from '../systems.js';
import { identifier, operation, parameters, serviceId } from './common.js';

/** A023: the provider's A&G worklist, optionally for one service. */
export const A023 = operation({
  id: 'A023',
  name: 'Retrieve advice and guidance requests worklist',
  method: 'POST',
  paths: ['/CommunicationRequest/$ers.fetchworklist'],
  roles: [
    'SERVICE_PROVIDER_CLINICIAN',
    'SERVICE_PROVIDER_ADMIN',
    'SERVICE_PROVIDER_CLINICIAN_ADMIN',
  ],
  side: 'provider',
  profile: 'eRS-FetchWorklist-Parameters-1',
  deprecated: false,
  input: z.object({ serviceId: serviceId.optional() }).strict(),
  build: (i) => ({
    method: 'POST',
    path: '/CommunicationRequest/$ers.fetchworklist',
    body: parameters('eRS-FetchWorklist-Parameters-1', [
      {
        name: 'listType',
        valueCodeableConcept: {
          coding: [
            {
              system: `${CS}/eRS-CommunicationListSelector-1`,
              code: 'ADVICE_AND_GUIDANCE_REQUESTS',
            },
          ],
        },
      },
      ...(i.serviceId
        ? [{ name: 'service', valueIdentifier: identifier(SYSTEM.ersService, i.serviceId) }]
        : []),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API Retrieve Request List',
  resourceType: 'Worklist',
});
