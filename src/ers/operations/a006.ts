import { z } from 'zod';
import { operation } from './common.js';
import { ANY_ROLE } from './types.js';

/** A006: an attachment's bytes by the `Binary/<id>` of a DocumentReference (deprecated: A042). */
export const A006 = operation({
  id: 'A006',
  name: 'Retrieve attachment',
  method: 'GET',
  paths: ['/Binary/{attachmentLogicalID}'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: true,
  input: z
    .object({
      attachmentUrl: z.string().regex(/^Binary\/[\w.-]+$/, 'must be Binary/<id> from the referral'),
    })
    .strict(),
  build: (i) => ({
    method: 'GET',
    path: `/${i.attachmentUrl}`,
    headers: { Accept: '*/*' },
    expect: 'binary',
  }),
  auditType: 'API Retrieve Clinical Attachment',
  resourceType: 'Clinical Attachment',
});
