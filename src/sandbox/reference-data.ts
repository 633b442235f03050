import { CS, SD } from '../ers/systems.js';
import { dynamicCodeSystem } from './resources.js';

/**
 * A004 reference data: the dynamic code systems of e-RS, as CodeSystem resources in the shape of
 * the official examples (A004_Response_*). The sandbox holds a realistic subset — every specialty
 * and clinic type its seed services use, the published PROVIDER_REJECT reasons and the platform
 * sandbox's PRIORITY contact days (ENDPOINTS.md §2.8) — not the full national lists.
 */
export const CODE_SYSTEM_TYPES = [
  'SPECIALTY',
  'CLINIC-TYPE',
  'APPOINTMENT-CANCELLATION-REASON',
  'PRIORITY',
] as const;
export type CodeSystemType = (typeof CODE_SYSTEM_TYPES)[number];

/** code, display, national specialty number (designation) where the sandbox knows it, retired on. */
const SPECIALTIES: readonly [string, string, string?, string?][] = [
  ['SURGERY_NOT_OTHERWISE_SPECIFIED', 'Surgery - Not Otherwise Specified', '100'],
  ['UROLOGY', 'Urology', '101'],
  ['TRANSPLANTATION_SURGERY', 'Transplantation Surgery', '102', '2008-05-09'],
  ['ORTHOPAEDICS', 'Orthopaedics', '110'],
  ['ENT', 'Ear, Nose and Throat', '120'],
  ['OPHTHALMOLOGY', 'Ophthalmology', '130'],
  ['GENERAL_MEDICINE', 'General Medicine', '300'],
  ['GASTROENTEROLOGY', 'Gastroenterology', '301'],
  ['CARDIOLOGY', 'Cardiology', '320'],
  ['DERMATOLOGY', 'Dermatology', '330'],
  ['NEUROLOGY', 'Neurology', '400'],
  ['RHEUMATOLOGY', 'Rheumatology', '410'],
  ['GYNAECOLOGY', 'Gynaecology', '502'],
  ['SLEEP_MEDICINE', 'Sleep Medicine'],
  ['DIETETICS', 'Dietetics'],
  ['REHABILITATION', 'Rehabilitation'],
  ['2WW', '2 Week Wait'],
];

/** code, display, specialty. */
const CLINIC_TYPES: readonly [string, string, string][] = [
  ['2WW_BONE', '2WW Bone', '2WW'],
  ['2WW_BRAIN', '2WW Brain', '2WW'],
  ['HEART_FAILURE', 'Heart Failure', 'CARDIOLOGY'],
  ['CHEST_PAIN', 'Chest Pain', 'CARDIOLOGY'],
  ['INSOMNIA', 'Insomnia', 'SLEEP_MEDICINE'],
  ['SLEEP_APNOEA', 'Sleep Apnoea', 'SLEEP_MEDICINE'],
  ['DIABETES_2', 'Diabetes', 'DIETETICS'],
  ['GENERAL_MEDICINE_2', 'General Medicine', 'GENERAL_MEDICINE'],
  ['NEURO_REHABILITATION', 'Neuro Rehabilitation', 'REHABILITATION'],
  ['PROSTATE', 'Prostate', 'UROLOGY'],
  ['SKIN_LESION', 'Skin Lesion', 'DERMATOLOGY'],
  ['UPPER_GI', 'Upper GI', 'GASTROENTEROLOGY'],
  ['KNEE', 'Knee', 'ORTHOPAEDICS'],
];

/** The PROVIDER_REJECT reasons of the official A004 example: code, display. */
export const REJECT_REASONS: readonly [string, string][] = [
  ['FURTHER_INFORMATION_REQUIRED', 'Further Information Required'],
  ['OTHER', 'Other reason'],
  ['OUTPATIENT_APPT_NOT_REQUIRED', 'Outpatient appointment not required'],
  ['SERVICE_INAPPROPRIATE', 'Inappropriate service'],
  ['SERVICE_PREREQUISITES_NOT_COMPLETE', 'Pre-requisites for service not complete'],
];

/** Display of a specialty code (the code itself when the sandbox does not hold it). */
export const specialtyDisplay = (code: string): string =>
  SPECIALTIES.find(([c]) => c === code)?.[1] ?? code;

/** A service's clinic type: its first listed, else the first of its specialty in the reference data. */
export function clinicTypeOf(
  state: {
    services: ReadonlyMap<string, { specialty: string; clinicTypes?: string[] | undefined }>;
  },
  serviceId: string | undefined,
): string | undefined {
  const service = state.services.get(serviceId ?? '');
  if (!service) return undefined;
  return service.clinicTypes?.[0] ?? CLINIC_TYPES.find(([, , sp]) => sp === service.specialty)?.[0];
}

const PROPERTY_BASE = `${CS}/eRS-Concept-Properties-1`;
const property = (code: string, type: string) => ({ code, uri: `${PROPERTY_BASE}#${code}`, type });
const FROM = { code: 'effectiveFrom', valueDateTime: '2004-06-01T00:00:00.000Z' };

function codeSystem(
  type: CodeSystemType,
  name: string,
  properties: { code: string; uri: string; type: string }[],
  concept: unknown[],
): Record<string, unknown> {
  return {
    resourceType: 'CodeSystem',
    id: type,
    meta: {
      profile: [
        type === 'SPECIALTY'
          ? `${SD}/eRS-Specialty-CodeSystem-1`
          : 'http://hl7.org/fhir/StructureDefinition/shareablecodesystem',
      ],
    },
    url: dynamicCodeSystem(type),
    name,
    status: 'active',
    // The reference data's publication date in this sandbox (e-RS gives its last change).
    date: '2026-01-05T09:00:00.000Z',
    publisher: 'e-Referral Service',
    description: name,
    copyright: 'Copyright © 2016 HL7 UK',
    content: 'complete',
    ...(properties.length > 0 ? { property: properties } : {}),
    concept,
  };
}

/** Pure: the CodeSystem resource of one reference data type. */
export function referenceData(type: CodeSystemType): Record<string, unknown> {
  const dated = [property('effectiveFrom', 'dateTime'), property('effectiveTo', 'dateTime')];
  switch (type) {
    case 'SPECIALTY':
      return codeSystem(
        type,
        'eRS Specialty',
        [],
        SPECIALTIES.map(([code, display, number, to]) => ({
          extension: [
            { url: `${SD}/Extension-eRS-EffectivefromDate-1`, valueDate: '2004-06-01' },
            ...(to ? [{ url: `${SD}/Extension-eRS-EffectivetoDate-1`, valueDate: to }] : []),
          ],
          code,
          display,
          ...(number ? { designation: [{ value: number }] } : {}),
        })),
      );
    case 'CLINIC-TYPE':
      return codeSystem(
        type,
        'e-RS Clinic Type',
        [...dated, property('specialty', 'Coding')],
        CLINIC_TYPES.map(([code, display, specialty]) => ({
          code,
          display,
          property: [
            FROM,
            {
              code: 'specialty',
              valueCoding: { system: dynamicCodeSystem('SPECIALTY'), code: specialty },
            },
          ],
        })),
      );
    case 'APPOINTMENT-CANCELLATION-REASON':
      return codeSystem(
        type,
        'e-RS Appointment Cancellation Reason',
        [
          ...dated,
          property('appointmentBookingCancellationReasonType', 'Coding'),
          property('willCancelWholeRequest', 'boolean'),
          property('commentIsMandatory', 'boolean'),
        ],
        REJECT_REASONS.map(([code, display]) => ({
          code,
          display,
          property: [
            FROM,
            {
              code: 'appointmentBookingCancellationReasonType',
              valueCoding: {
                system: `${CS}/eRS-AppointmentBookingCancellationReasonType-1`,
                code: 'PROVIDER_REJECT',
              },
            },
            { code: 'willCancelWholeRequest', valueBoolean: false },
            { code: 'commentIsMandatory', valueBoolean: false },
          ],
        })),
      );
    case 'PRIORITY':
      // Working days to contact the patient (platform sandbox values, ENDPOINTS.md §2.8).
      return codeSystem(
        type,
        'e-RS Priority',
        [
          property('deferToProviderContactDays', 'integer'),
          property('triageContactDays', 'integer'),
        ],
        (
          [
            ['ROUTINE', 'Routine', 40, 40],
            ['URGENT', 'Urgent', 10, 5],
            ['TWO_WEEK_WAIT', 'Two Week Wait', 5, 2],
          ] as const
        ).map(([code, display, defer, triage]) => ({
          code,
          display,
          property: [
            { code: 'deferToProviderContactDays', valueInteger: defer },
            { code: 'triageContactDays', valueInteger: triage },
          ],
        })),
      );
    default:
      return type satisfies never;
  }
}
