import { z } from 'zod';
import { CS, SYSTEM } from '../systems.js';
import {
  files,
  identifier,
  instant,
  linked,
  needsIndexed,
  nhsNumber,
  operation,
  parameters,
  sdsUserId,
} from './common.js';
import { shortlist, shortlistFields } from './shortlist.js';
import { REFERRER_ROLES } from './types.js';

/** A044: create an Advice and Guidance request to one A&G service. */
export const A044 = operation({
  id: 'A044',
  name: 'Create advice and guidance request',
  method: 'POST',
  paths: ['/CommunicationRequest/$ers.createAdviceAndGuidance'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-CreateAdviceAndGuidance-Request-Parameters-1',
  deprecated: false,
  input: z
    .object({
      nhsNumber,
      ...shortlistFields,
      /** May the provider convert the request into a referral (A027)? */
      providerMayConvert: z.boolean(),
      request: z.string().min(1).max(8000),
      files,
      indexed: instant.optional(),
      referringClinician: sdsUserId.optional(),
    })
    .strict()
    .superRefine((i, ctx) => {
      needsIndexed(i, [i.files], ctx);
    }),
  build: (i, ctx) => ({
    method: 'POST',
    path: '/CommunicationRequest/$ers.createAdviceAndGuidance',
    body: parameters('eRS-CreateAdviceAndGuidance-Request-Parameters-1', [
      { name: 'patient', valueIdentifier: identifier(SYSTEM.nhsNumber, i.nhsNumber) },
      {
        name: 'providerConversionAuthorisation',
        valueCoding: {
          system: `${CS}/eRS-ProviderConversionAuthorisation-1`,
          code: i.providerMayConvert ? 'AUTHORISED_TO_CONVERT' : 'NOT_AUTHORISED_TO_CONVERT',
        },
      },
      { name: 'shortlist', resource: shortlist(i, ctx) },
      { name: 'request', valueString: i.request },
      ...linked('requestAttachmentFile', i.files, 'ADVICE_REQUEST', i.indexed),
      ...(i.referringClinician
        ? [
            {
              name: 'referringClinician',
              valueIdentifier: identifier(SYSTEM.sdsUserId, i.referringClinician),
            },
          ]
        : []),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API A044',
  resourceType: 'Referral Request',
});
