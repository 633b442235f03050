import { z } from 'zod';
import { PROFILE, SYSTEM } from '../systems.js';
import {
  dynamicSystem,
  identifier,
  ifMatch,
  nhsNumber,
  operation,
  serviceId,
  ubrn,
  version,
} from './common.js';
import { REFERRER_ROLES } from './types.js';

/**
 * A034: update a directly booked appointment: cancel it (status cancelled) with an
 * APPOINTMENT-CANCELLATION-REASON; some reasons need a comment. The body is the appointment as
 * A038 read it, at that version (meta.versionId and If-Match).
 */
export const A034 = operation({
  id: 'A034',
  name: 'Update appointment',
  method: 'PUT',
  paths: ['/Appointment/{id}'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-Appointment-1',
  deprecated: false,
  input: z
    .object({
      appointmentId: z.string().regex(/^\d+$/, 'must be the e-RS appointment id'),
      appointmentVersion: version,
      ubrn,
      /** The referral version the appointment's incomingReferral names. */
      version,
      serviceId,
      /** The service's name as A038 showed it (participant display). */
      serviceName: z.string().min(1).optional(),
      nhsNumber,
      reason: z.string().min(1),
      comment: z.string().min(1).max(2000).optional(),
    })
    .strict(),
  build: (i, ctx) => ({
    method: 'PUT',
    path: `/Appointment/${i.appointmentId}`,
    headers: ifMatch(i.appointmentVersion),
    body: {
      id: i.appointmentId,
      meta: {
        versionId: i.appointmentVersion,
        profile: [PROFILE.appointment, PROFILE.careConnectAppointment],
      },
      language: 'en',
      resourceType: 'Appointment',
      status: 'cancelled',
      description: 'e-Referral Appointment',
      reason: [
        {
          coding: [
            { system: dynamicSystem(ctx, 'APPOINTMENT-CANCELLATION-REASON'), code: i.reason },
          ],
        },
      ],
      ...(i.comment ? { comment: i.comment } : {}),
      incomingReferral: [{ reference: `ReferralRequest/${i.ubrn}/_history/${i.version}` }],
      participant: [
        {
          actor: {
            identifier: identifier(SYSTEM.ersService, i.serviceId),
            ...(i.serviceName ? { display: i.serviceName } : {}),
          },
          status: 'accepted',
        },
        { actor: { identifier: identifier(SYSTEM.nhsNumber, i.nhsNumber) }, status: 'accepted' },
      ],
    },
    expect: 'fhir',
  }),
  auditType: 'API A034',
  resourceType: 'Appointment Request',
});
