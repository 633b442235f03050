import { z } from 'zod';
import { readAppointment } from '../readers/appointment.js';
import { operation, version, versionedRead } from './common.js';
import { ANY_ROLE } from './types.js';

/** A038: an appointment (latest, or a given version), e.g. before updating it (A034). */
export const A038 = operation({
  id: 'A038',
  name: 'Retrieve appointment',
  method: 'GET',
  paths: ['/Appointment/{id}', '/Appointment/{id}/_history/{version}'],
  roles: ANY_ROLE,
  side: 'either',
  profile: undefined,
  deprecated: false,
  input: z
    .object({
      appointmentId: z.string().regex(/^\d+$/, 'must be the e-RS appointment id'),
      version: version.optional(),
    })
    .strict(),
  build: (i) => versionedRead(`/Appointment/${i.appointmentId}`, i.version),
  auditType: 'API A038',
  resourceType: 'Appointment Request',
  read: readAppointment,
});
