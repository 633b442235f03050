/**
 * Displays of the specialties and clinic types the sandbox's worlds use, and the PROVIDER_REJECT
 * reasons. A004 itself answers with NHS's own code systems (nhs-reference.ts).
 */
import { SD } from '../ers/systems.js';
import { CODE_SYSTEM_TYPES, type CodeSystemType } from './nhs-reference.js';
import { dynamicCodeSystem } from './resources.js';

export { CODE_SYSTEM_TYPES, type CodeSystemType };

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
  // e-RS specialties the shipped specialty table sends (mappings/tables/specialty.csv).
  ['GI_AND_LIVER_MEDICINE_AND_SURGERY', 'GI and Liver (Medicine and Surgery)'],
  ['RESPIRATORY_MEDICINE', 'Respiratory Medicine', '340'],
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
  // Cardiology clinic types the shipped clinic-type table sends (mappings/tables/clinic-type.yaml).
  [
    'RAPID_ACCESS_CHEST_PAIN_INC_EXERCISE_ECG',
    'Rapid Access Chest Pain (inc. Exercise ECG)',
    'CARDIOLOGY',
  ],
  ['ISCHAEMIC_HEART_DISEASE', 'Ischaemic Heart Disease', 'CARDIOLOGY'],
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

const FROM = { code: 'effectiveFrom', valueDateTime: '2004-06-01T00:00:00.000Z' };

/** The sandbox's own SPECIALTY / CLINIC-TYPE concepts, in NHS's A004 concept shape. */
export function sandboxConcepts(type: CodeSystemType): Record<string, unknown>[] {
  switch (type) {
    case 'SPECIALTY':
      return SPECIALTIES.map(([code, display, number, to]) => ({
        extension: [
          { url: `${SD}/Extension-eRS-EffectivefromDate-1`, valueDate: '2004-06-01' },
          ...(to ? [{ url: `${SD}/Extension-eRS-EffectivetoDate-1`, valueDate: to }] : []),
        ],
        code,
        display,
        ...(number ? { designation: [{ value: number }] } : {}),
        property: [
          FROM,
          ...(to ? [{ code: 'effectiveTo', valueDateTime: `${to}T00:00:00.000Z` }] : []),
        ],
      }));
    case 'CLINIC-TYPE':
      return CLINIC_TYPES.map(([code, display, specialty]) => ({
        code,
        display,
        property: [
          FROM,
          {
            code: 'specialty',
            valueCoding: { system: dynamicCodeSystem('SPECIALTY'), code: specialty },
          },
        ],
      }));
    case 'APPOINTMENT-CANCELLATION-REASON':
    case 'REFERRAL-CANCELLATION-REASON':
    case 'APPOINTMENT-NON-ATTENDANCE-REASON':
    case 'PRIORITY':
      return [];
    default:
      return type satisfies never;
  }
}

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
