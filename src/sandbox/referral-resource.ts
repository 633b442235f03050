import { SANDBOX_USER } from './auth.js';
import { clinicTypeOf, specialtyDisplay } from './reference-data.js';
import {
  CODE_SYSTEM,
  CS,
  EXTENSION,
  PROFILE,
  PRIORITY_DISPLAY,
  SD,
  SYSTEM,
  type Priority,
} from '../ers/systems.js';
import {
  documentId,
  documentReference,
  dynamicCodeSystem,
  shortlistContained,
} from './resources.js';
import type { Appointment, Referral, SandboxState } from './state.js';

const APPOINTMENT_PROFILES = [
  `${SD}/eRS-Appointment-1`,
  'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1',
];
/** Display of a ReviewReason/ReviewOutcome code; e-RS's own where the examples show it. */
const DISPLAYS: Record<string, string> = {
  PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER:
    'Provider Converted Advice and Guidance, Admin to Refer',
};
export const codeDisplay = (code: string): string =>
  DISPLAYS[code] ??
  code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

const REVIEW_REASONS = [
  'NO_SLOTS_AT_SERVICE',
  'SLOT_NOT_AVAILABLE',
  'BOOKING_ATTEMPT_PROBLEM',
  'TRIAGE',
];
const REVIEW_OUTCOMES = [
  'ACCEPT_REFER_BOOK_LATER',
  'RETURN_TO_REFERRER_WITH_ADVICE',
  'CANCEL_APPOINTMENT_ACTION_LATER',
  'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER',
];
/** The code system of a state/appointment reason: review reason or outcome, else a cancellation reason. */
export const REASON_SYSTEM = (
  code: string,
  cancellation = 'APPOINTMENT-CANCELLATION-REASON',
): string =>
  REVIEW_REASONS.includes(code)
    ? CODE_SYSTEM.reviewReason
    : REVIEW_OUTCOMES.includes(code)
      ? 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReviewOutcome-1'
      : dynamicCodeSystem(cancellation);

export const STATE_DISPLAY: Record<string, string> = {
  NOT_BOOKED: 'Not Booked',
  AWAITING_TRIAGE: 'Awaiting Triage',
  BOOKED: 'Booked',
  DEFERRED_TO_PROVIDER: 'Deferred To Provider',
  APPT_CANCELLED_BY_PROVIDER: 'Appointment Cancelled By Provider',
  TRIAGED_PROVIDER_TO_ACTION: 'Triaged - Provider To Action',
  TRIAGE_RESPONSE: 'Triage Response',
  REJECTED: 'Rejected',
  CANCELLED_REFERRAL: 'Cancelled Referral',
};

/** The ReferralState reason and comments: rejection, cancellation, deferral or review outcome. */
function stateReason(r: Referral): { code: string; system: string; comments?: string } | undefined {
  if (r.rejection)
    return {
      code: r.rejection.reason,
      system: REASON_SYSTEM(r.rejection.reason),
      ...(r.rejection.comments ? { comments: r.rejection.comments } : {}),
    };
  const code =
    r.stateReason ??
    (r.state === 'BOOKED' || r.state === 'NOT_BOOKED' ? undefined : r.appointment?.reason);
  if (code === undefined) return undefined;
  const comments =
    r.stateComments ?? (r.stateReason === undefined ? r.appointment?.comment : undefined);
  return {
    code,
    system:
      r.state === 'CANCELLED_REFERRAL'
        ? (r.cancellationSystem ?? REASON_SYSTEM(code, 'REFERRAL-CANCELLATION-REASON'))
        : REASON_SYSTEM(code),
    ...(comments ? { comments } : {}),
  };
}

/** An eRS-Appointment-1 view: contained in a referral (id "appointment") or on its own (A016/A038). */
export function appointmentResource(
  r: {
    ubrn: string;
    version: number;
    nhsNumber: string;
    createdAt?: string;
    allocatedClinician?: string;
  },
  a: Appointment,
  serviceName: string,
  options: { id?: string; versionId?: number } = {},
): Record<string, unknown> {
  return {
    resourceType: 'Appointment',
    id: options.id ?? 'appointment',
    meta: { versionId: String(options.versionId ?? 1), profile: APPOINTMENT_PROFILES },
    language: 'en',
    status: a.status,
    ...(a.reason
      ? {
          reason: [
            {
              coding: [
                {
                  system: REASON_SYSTEM(a.reason),
                  code: a.reason,
                  display: codeDisplay(a.reason),
                },
              ],
            },
          ],
        }
      : {}),
    description: 'e-Referral Appointment',
    ...(a.start ? { start: a.start, end: a.end ?? a.start } : {}),
    ...(a.slotId ? { slot: [{ reference: `Slot/${a.slotId}` }] } : {}),
    created: a.created ?? r.createdAt ?? new Date().toISOString(),
    ...(a.comment ? { comment: a.comment } : {}),
    incomingReferral: [{ reference: `ReferralRequest/${r.ubrn}/_history/${r.version}` }],
    participant: [
      {
        actor: {
          identifier: { system: SYSTEM.ersService, value: a.serviceId },
          display: serviceName,
        },
        status: 'accepted',
      },
      {
        actor: { identifier: { system: SYSTEM.nhsNumber, value: r.nhsNumber } },
        status: 'accepted',
      },
      // The clinician of a booked slot; e-RS writes the ValueSet URL as the system (§6.3).
      ...(a.start !== undefined || a.clinician !== undefined
        ? [
            {
              type: {
                coding: [
                  {
                    system: 'http://hl7.org/fhir/ValueSet/encounter-participant-type',
                    code: 'CON',
                  },
                ],
              },
              actor: {
                identifier: {
                  system: SYSTEM.sdsUserId,
                  value: a.clinician ?? r.allocatedClinician ?? SANDBOX_USER,
                },
              },
              status: 'accepted',
            },
          ]
        : []),
    ],
  };
}

/** Pure over state: the eRS-ReferralRequest-1 view of a sandbox referral (shapes of A005/A027/A028). */
export function referralResource(state: SandboxState, r: Referral): Record<string, unknown> {
  const services = r.serviceIds.map((id) => ({ id, name: state.services.get(id)?.name ?? id }));
  const specialty = state.services.get(r.serviceIds[0] ?? '')?.specialty ?? 'GENERAL_MEDICINE';
  const files = [
    ...r.letters.map((id) => ({ id, type: 'REFERRER' })),
    ...r.otherFiles.map((id) => ({ id, type: state.binaries.get(id)?.type ?? 'PROVIDER' })),
  ].flatMap(({ id, type }) => {
    const file = state.binaries.get(id);
    return file
      ? [documentReference(file, { id: `DocumentReference-${documentId(id)}`, type })]
      : [];
  });
  const appointment = r.appointment;
  const reason = stateReason(r);
  return {
    resourceType: 'ReferralRequest',
    id: r.ubrn,
    meta: { versionId: String(r.version), profile: [PROFILE.referralRequest] },
    extension: [
      ...(appointment
        ? [
            {
              url: `${SD}/Extension-eRS-Appointment-1`,
              valueReference: { reference: '#appointment' },
            },
          ]
        : []),
      ...(appointment?.id
        ? [
            {
              url: `${SD}/Extension-eRS-Appointment-Reference-1`,
              valueReference: { reference: `Appointment/${appointment.id}` },
            },
          ]
        : []),
      ...(files.length > 0
        ? [{ url: `${SD}/Extension-eRS-ClinicalInfoFirstSubmitted-1`, valueDateTime: r.createdAt }]
        : []),
      ...(r.lettersUpdatedAt
        ? [
            {
              url: `${SD}/Extension-eRS-ClinicalInfoLastUpdated-1`,
              valueDateTime: r.lettersUpdatedAt,
            },
          ]
        : []),
      ...(r.pathwayStart
        ? [{ url: `${SD}/Extension-eRS-eReferralPathwayStart-1`, valueInstant: r.pathwayStart }]
        : []),
      {
        url: EXTENSION.referralPriority,
        valueCodeableConcept: {
          coding: [
            {
              system: CODE_SYSTEM.priority,
              code: r.priority,
              display: PRIORITY_DISPLAY[r.priority as Priority],
            },
          ],
        },
      },
      { url: EXTENSION.referralShortlist, valueReference: { reference: '#shortlist' } },
      {
        url: `${SD}/Extension-eRS-Commissioning-Rule-Org-1`,
        valueIdentifier: { system: SYSTEM.odsOrganizationCode, value: 'R69' },
      },
      {
        url: EXTENSION.referralState,
        extension: [
          {
            url: 'state',
            valueCoding: {
              system: CODE_SYSTEM.referralState,
              code: r.state,
              display: STATE_DISPLAY[r.state] ?? r.state,
            },
          },
          ...(reason
            ? [
                {
                  url: 'reason',
                  valueCoding: {
                    system: reason.system,
                    code: reason.code,
                    display: codeDisplay(reason.code),
                  },
                },
              ]
            : []),
          ...(reason?.comments ? [{ url: 'comments', valueString: reason.comments }] : []),
        ],
      },
      ...(r.additionalRequirements ?? []).map((code) => ({
        url: `${SD}/Extension-eRS-PatientAdditionalRequirement-1`,
        valueCoding: {
          system: `${CS}/eRS-AdditionalRequirementType-1`,
          code,
          display: codeDisplay(code),
        },
      })),
    ],
    contained: [
      ...shortlistContained({
        priority: r.priority,
        specialty: r.searchCriteria?.specialty ?? specialty,
        services,
        clinicType: r.searchCriteria?.clinicType ?? clinicTypeOf(state, r.serviceIds[0]),
        postcode: r.searchCriteria?.postcode,
        distanceLimit: r.searchCriteria?.distanceLimit,
      }),
      ...files,
      ...(appointment
        ? [
            appointmentResource(
              r,
              appointment,
              state.services.get(appointment.serviceId)?.name ?? services[0]?.name ?? '',
            ),
          ]
        : []),
    ],
    identifier: [{ system: SYSTEM.requestId, value: r.requestId }],
    status: r.status,
    intent: 'plan',
    specialty: {
      coding: [
        {
          system: dynamicCodeSystem('SPECIALTY'),
          code: specialty,
          display: specialtyDisplay(specialty),
        },
      ],
    },
    subject: { identifier: { system: SYSTEM.nhsNumber, value: r.nhsNumber } },
    supportingInfo: [
      ...files.map((f) => ({ reference: `#${String(f['id'])}` })),
      ...(r.fromAdvice ? [{ reference: `CommunicationRequest/${r.ubrn}` }] : []),
      ...(r.relatedUbrn ? [{ reference: `ReferralRequest/${r.relatedUbrn}` }] : []),
    ],
  };
}
