import { z } from 'zod';
import { CODE_SYSTEM, SD, SYSTEM } from '../systems.js';
import { isUbrn, isValidNhsNumber, normaliseNhsNumber } from '../nhs-number.js';
import type { OperationRequest } from './types.js';

const ubrn = z.string().refine(isUbrn, 'must be a 12-digit UBRN');
const version = z.string().regex(/^\d+$/, 'must be the numeric version (ETag) of the referral');
const CARE_CONNECT_APPOINTMENT =
  'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1';

/** A015: free slots of a directly bookable service. */
export const RetrieveSlotsInputSchema = z
  .object({
    serviceId: z.string().regex(/^\d+$/),
    count: z.number().int().min(1).max(100).default(20),
    page: z.number().int().min(1).default(1),
  })
  .strict();
export const retrieveSlotsRequest = (
  i: z.infer<typeof RetrieveSlotsInputSchema>,
): OperationRequest => ({
  method: 'GET',
  path: `/Slot?schedule.actor:HealthcareService=${encodeURIComponent(i.serviceId)}&status=free&_count=${i.count}&page=${i.page}&_include=Slot:schedule`,
  expect: 'fhir',
});

/** A016: book a slot (status booked) or defer to the provider (status proposed + reason). */
export const BookOrDeferInputSchema = z
  .object({
    ubrn,
    version,
    serviceId: z.string().regex(/^\d+$/),
    nhsNumber: z
      .string()
      .transform(normaliseNhsNumber)
      .refine(isValidNhsNumber, 'is not a valid NHS number (modulus 11 check digit)'),
    action: z.enum(['book', 'defer']),
    slotId: z.string().regex(/^\w+$/).optional(),
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
    deferReason: z
      .enum(['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM'])
      .optional(),
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
  });
export function bookOrDeferRequest(i: z.infer<typeof BookOrDeferInputSchema>): OperationRequest {
  const participants = [
    {
      actor: { identifier: { system: SYSTEM.ersService, value: i.serviceId } },
      status: 'accepted',
    },
    { actor: { identifier: { system: SYSTEM.nhsNumber, value: i.nhsNumber } }, status: 'accepted' },
  ];
  const common = {
    resourceType: 'Appointment',
    meta: { profile: [CARE_CONNECT_APPOINTMENT] },
    language: 'en',
    description: 'e-Referral Appointment',
  };
  const incomingReferral = [{ reference: `ReferralRequest/${i.ubrn}/_history/${i.version}` }];
  const body =
    i.action === 'book'
      ? {
          ...common,
          status: 'booked',
          start: i.start,
          end: i.end,
          slot: [{ reference: `Slot/${i.slotId ?? ''}` }],
          incomingReferral,
          participant: participants,
        }
      : {
          ...common,
          status: 'proposed',
          reason: [
            {
              coding: [
                {
                  system: CODE_SYSTEM.reviewReason,
                  code: i.deferReason,
                },
              ],
            },
          ],
          ...(i.slotId ? { slot: [{ reference: `Slot/${i.slotId}` }] } : {}),
          ...(i.comment ? { comment: i.comment } : {}),
          incomingReferral,
          participant: participants,
        };
  return { method: 'POST', path: '/Appointment', body, expect: 'fhir' };
}

/** A022: cancel a booked appointment; the provider will act later. */
export const CancelActionLaterInputSchema = z
  .object({
    ubrn,
    version,
    comments: z.string().min(1).max(2000),
    priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']).optional(),
    appointmentCancelledInPas: z.boolean().default(false),
  })
  .strict();
export const cancelActionLaterRequest = (
  i: z.infer<typeof CancelActionLaterInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: `/ReferralRequest/${i.ubrn}/$ers.cancelAppointmentActionLater`,
  headers: { 'If-Match': `W/"${i.version}"` },
  body: {
    resourceType: 'Parameters',
    meta: { profile: [`${SD}/eRS-cancelAppointmentActionLater-Operation-1`] },
    parameter: [
      ...(i.priority
        ? [{ name: 'priority', valueCoding: { system: CODE_SYSTEM.priority, code: i.priority } }]
        : []),
      { name: 'comments', valueString: i.comments },
      { name: 'appointmentCancelledInPAS', valueBoolean: i.appointmentCancelledInPas },
    ],
  },
  expect: 'fhir',
});

/** A008: a provider worklist, optionally for one service. */
export const FetchWorklistInputSchema = z
  .object({
    listType: z.enum(['REFERRALS_FOR_REVIEW', 'APPOINTMENT_SLOT_ISSUES']),
    serviceId: z.string().regex(/^\d+$/).optional(),
  })
  .strict();
export const fetchWorklistRequest = (
  i: z.infer<typeof FetchWorklistInputSchema>,
): OperationRequest => ({
  method: 'POST',
  path: '/ReferralRequest/$ers.fetchworklist',
  body: {
    resourceType: 'Parameters',
    meta: { profile: [`${SD}/eRS-FetchWorklist-Parameters-1`] },
    parameter: [
      {
        name: 'listType',
        valueCodeableConcept: {
          coding: [
            {
              system: CODE_SYSTEM.referralListSelector,
              code: i.listType,
            },
          ],
        },
      },
      ...(i.serviceId
        ? [{ name: 'service', valueIdentifier: { system: SYSTEM.ersService, value: i.serviceId } }]
        : []),
    ],
  },
  expect: 'fhir',
});
