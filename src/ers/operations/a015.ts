import { z } from 'zod';
import { operation, priority, sdsUserId, serviceId } from './common.js';
import { REFERRER_ROLES } from './types.js';

/**
 * A015: free slots of a directly bookable service. `priority` (the referral's, sent as
 * `appointmentType`) and `commissioningRuleOrg` (the referral's Commissioning-Rule-Org, header
 * NHSD-eRS-Comm-Rule-Org) are required by the spec: without them e-RS may list unbookable slots.
 */
export const A015 = operation({
  id: 'A015',
  name: 'Retrieve appointment slots',
  method: 'GET',
  paths: ['/Slot'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: undefined,
  deprecated: false,
  input: z
    .object({
      serviceId,
      priority,
      commissioningRuleOrg: z.string().min(1),
      /** Only slots with this named clinician (`schedule.actor:Practitioner`). */
      namedClinician: sdsUserId.optional(),
      count: z.number().int().min(1).max(100).default(20),
      page: z.number().int().min(1).default(1),
      /** Ask for the Schedules too (`_include=Slot:schedule`). */
      includeSchedule: z.boolean().default(false),
    })
    .strict(),
  build: (i) => {
    const query = new URLSearchParams([['schedule.actor:HealthcareService', i.serviceId]]);
    if (i.namedClinician) query.append('schedule.actor:Practitioner', i.namedClinician);
    query.append('appointmentType', i.priority);
    query.append('status', 'free');
    query.append('_count', String(i.count));
    query.append('page', String(i.page));
    if (i.includeSchedule) query.append('_include', 'Slot:schedule');
    return {
      method: 'GET',
      path: `/Slot?${query.toString()}`,
      headers: { 'NHSD-eRS-Comm-Rule-Org': i.commissioningRuleOrg },
      expect: 'fhir',
    };
  },
  auditType: 'API A015',
  resourceType: 'Appointment Request',
});
