import { SANDBOX_USER } from './auth.js';
import { clinicTypeOf, specialtyDisplay } from './reference-data.js';
import {
  CODE_SYSTEM,
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
const codeDisplay = (code: string): string =>
  DISPLAYS[code] ??
  code
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

const REASON_SYSTEM = (code: string): string =>
  ['NO_SLOTS_AT_SERVICE', 'SLOT_NOT_AVAILABLE', 'BOOKING_ATTEMPT_PROBLEM', 'TRIAGE'].includes(code)
    ? CODE_SYSTEM.reviewReason
    : 'https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReviewOutcome-1';

function containedAppointment(r: Referral, a: Appointment, serviceName: string) {
  return {
    resourceType: 'Appointment',
    id: 'appointment',
    meta: { versionId: '1', profile: APPOINTMENT_PROFILES },
    language: 'en',
    status: a.status,
    ...(a.reason
      ? {
          reason: [
            {
              coding: [
                { system: REASON_SYSTEM(a.reason), code: a.reason, display: codeDisplay(a.reason) },
              ],
            },
          ],
        }
      : {}),
    description: 'e-Referral Appointment',
    ...(a.start ? { start: a.start, end: a.end ?? a.start } : {}),
    ...(a.slotId ? { slot: [{ reference: `Slot/${a.slotId}` }] } : {}),
    created: r.createdAt,
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
      ...(a.start !== undefined
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
                  value: r.allocatedClinician ?? SANDBOX_USER,
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
          { url: 'state', valueCoding: { system: CODE_SYSTEM.referralState, code: r.state } },
        ],
      },
    ],
    contained: [
      ...shortlistContained({
        priority: r.priority,
        specialty,
        services,
        clinicType: clinicTypeOf(state, r.serviceIds[0]),
      }),
      ...files,
      ...(appointment ? [containedAppointment(r, appointment, services[0]?.name ?? '')] : []),
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
    ],
  };
}
