import { z } from 'zod';
import { PROFILE } from '../systems.js';
import {
  files,
  ifMatch,
  instant,
  linked,
  needsIndexed,
  operation,
  priority,
  priorityCoding,
  ubrn,
  version,
} from './common.js';
import { PROVIDER_ROLES } from './types.js';

/** A022: cancel a booked appointment; the provider will act later. */
export const A022 = operation({
  id: 'A022',
  name: 'Cancel appointment, action later',
  method: 'POST',
  paths: ['/ReferralRequest/{ubrn}/$ers.cancelAppointmentActionLater'],
  roles: PROVIDER_ROLES,
  side: 'provider',
  profile: 'eRS-cancelAppointmentActionLater-Parameters-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      comments: z.string().min(1).max(2000),
      priority: priority.optional(),
      /** Sent only when given (an indirectly bookable service's appointment cancelled in the PAS). */
      appointmentCancelledInPas: z.boolean().optional(),
      files,
      indexed: instant.optional(),
    })
    .strict()
    .superRefine((i, ctx) => {
      needsIndexed(i, [i.files], ctx);
    }),
  build: (i) => ({
    method: 'POST',
    path: `/ReferralRequest/${i.ubrn}/$ers.cancelAppointmentActionLater`,
    headers: ifMatch(i.version),
    body: {
      resourceType: 'Parameters',
      meta: { profile: [PROFILE.cancelAppointmentActionLaterParameters] },
      parameter: [
        { name: 'comments', valueString: i.comments },
        ...(i.priority ? [{ name: 'priority', valueCoding: priorityCoding(i.priority) }] : []),
        ...(i.appointmentCancelledInPas === undefined
          ? []
          : [{ name: 'appointmentCancelledInPAS', valueBoolean: i.appointmentCancelledInPas }]),
        ...linked('providerAttachmentFile', i.files, 'PROVIDER', i.indexed),
      ],
    },
    expect: 'fhir',
  }),
  auditType: 'API A022',
  resourceType: 'Referral Request',
});
