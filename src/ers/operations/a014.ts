import { z } from 'zod';
import { PROFILE } from '../systems.js';
import { dynamicSystem, ifMatch, operation, ubrn, version } from './common.js';
import { PROVIDER_ROLES } from './types.js';

/** A014: reject a referral with an APPOINTMENT-CANCELLATION-REASON (usage PROVIDER_REJECT). */
export const A014 = operation({
  id: 'A014',
  name: 'Reject referral',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.rejectReferral'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: 'eRS-RejectReferral-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      reason: z.string().min(1),
      comments: z.string().min(1).max(2000),
      appointmentCancelledInPas: z.boolean().optional(),
    })
    .strict(),
  build: (i, ctx) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.rejectReferral`,
    headers: ifMatch(i.version),
    body: {
      resourceType: 'Parameters',
      meta: { profile: [PROFILE.rejectReferralParameters] },
      parameter: [
        {
          name: 'rejectionReason',
          valueCoding: {
            system: dynamicSystem(ctx, 'APPOINTMENT-CANCELLATION-REASON'),
            code: i.reason,
          },
        },
        { name: 'rejectionComments', valueString: i.comments },
        ...(i.appointmentCancelledInPas === undefined
          ? []
          : [{ name: 'appointmentCancelledInPAS', valueBoolean: i.appointmentCancelledInPas }]),
      ],
    },
    expect: 'fhir',
  }),
  auditType: 'API A014',
  resourceType: 'Referral Request',
});
