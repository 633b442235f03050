import { z } from 'zod';
import { CODE_SYSTEM, PROFILE, SYSTEM } from '../systems.js';
import { identifier, nhsNumber, operation, sdsUserId, serviceId, ubrn, version } from './common.js';
import { REFERRER_ROLES } from './types.js';

export const DEFER_REASONS = [
  'NO_SLOTS_AT_SERVICE',
  'SLOT_NOT_AVAILABLE',
  'BOOKING_ATTEMPT_PROBLEM',
  'TRIAGE',
] as const;

const participants = (i: {
  serviceId: string;
  nhsNumber: string;
  namedClinician?: string | undefined;
}) => [
  { actor: { identifier: identifier(SYSTEM.ersService, i.serviceId) }, status: 'accepted' },
  { actor: { identifier: identifier(SYSTEM.nhsNumber, i.nhsNumber) }, status: 'accepted' },
  ...(i.namedClinician
    ? [
        {
          type: {
            coding: [
              { system: 'http://hl7.org/fhir/ValueSet/encounter-participant-type', code: 'CON' },
            ],
          },
          actor: { identifier: identifier(SYSTEM.sdsUserId, i.namedClinician) },
          status: 'accepted',
        },
      ]
    : []),
];

/**
 * A016: book a slot (status booked), or defer to the provider (status proposed + reason):
 * TRIAGE sends a referral to a triage service (the platform's way instead of A021/A032).
 */
export const A016 = operation({
  id: 'A016',
  name: 'Book or defer appointment',
  method: 'POST',
  paths: ['/Appointment'],
  roles: REFERRER_ROLES,
  side: 'referrer',
  profile: 'eRS-Appointment-1',
  deprecated: false,
  input: z
    .object({
      ubrn,
      version,
      serviceId,
      nhsNumber,
      action: z.enum(['book', 'defer']),
      slotId: z.string().regex(/^\w+$/).optional(),
      start: z.iso.datetime({ offset: true }).optional(),
      end: z.iso.datetime({ offset: true }).optional(),
      /** The clinician of a named-clinician slot (its Schedule's Practitioner actor). */
      namedClinician: sdsUserId.optional(),
      deferReason: z.enum(DEFER_REASONS).optional(),
      comment: z.string().max(1000).optional(),
    })
    .strict()
    .superRefine((i, ctx) => {
      if (
        i.action === 'book' &&
        (i.slotId === undefined || i.start === undefined || i.end === undefined)
      )
        ctx.addIssue({
          code: 'custom',
          path: ['slotId'],
          message: 'booking needs slotId, start and end',
        });
      if (i.action === 'defer' && i.deferReason === undefined)
        ctx.addIssue({ code: 'custom', path: ['deferReason'], message: 'deferral needs a reason' });
    }),
  build: (i) => {
    const common = {
      id: 'appointment',
      resourceType: 'Appointment',
      meta: { profile: [PROFILE.appointment, PROFILE.careConnectAppointment] },
      language: 'en',
      description: 'e-Referral Appointment',
      incomingReferral: [{ reference: `ReferralRequest/${i.ubrn}/_history/${i.version}` }],
      participant: participants(i),
    };
    const slot = i.slotId ? { slot: [{ reference: `Slot/${i.slotId}` }] } : {};
    const body =
      i.action === 'book'
        ? { ...common, status: 'booked', start: i.start, end: i.end, ...slot }
        : {
            ...common,
            status: 'proposed',
            reason: [{ coding: [{ system: CODE_SYSTEM.reviewReason, code: i.deferReason }] }],
            ...slot,
            ...(i.comment ? { comment: i.comment } : {}),
          };
    return { method: 'POST', path: '/Appointment', body, expect: 'fhir' };
  },
  auditType: 'API A016',
  resourceType: 'Appointment Request',
});
