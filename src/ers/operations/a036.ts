import { z } from 'zod';
import { dynamicSystem, ifMatch, operation, parameters, ubrn, version } from './common.js';
import { ANY_ROLE } from './types.js';

/** A036: cancel a referral with a REFERRAL-CANCELLATION-REASON (some reasons need comments). */
export const A036 = operation({
  id: 'A036',
  name: 'Cancel referral',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.cancelReferral'],
  roles: ANY_ROLE,
  side: 'either',
  profile: 'eRS-CancelReferral-Request-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      reason: z.string().min(1),
      comments: z.string().min(1).max(2000).optional(),
    })
    .strict(),
  build: (i, ctx) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.cancelReferral`,
    headers: ifMatch(i.version),
    body: parameters('eRS-CancelReferral-Request-Parameters-1', [
      {
        name: 'cancellationReason',
        valueCoding: { system: dynamicSystem(ctx, 'REFERRAL-CANCELLATION-REASON'), code: i.reason },
      },
      ...(i.comments ? [{ name: 'cancellationComments', valueString: i.comments }] : []),
    ]),
    expect: 'fhir',
  }),
  auditType: 'API A036',
  resourceType: 'Referral Request',
});
