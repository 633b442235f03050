/**
 * Default seed: the identifiers of the NHS API platform sandbox (ENDPOINTS.md §7), so a channel
 * tried here behaves the same there, plus the services and patients the official examples
 * assume (90596, 90636, NHS number 9190000000 — whose check digit is wrong, as published).
 */
export type ServiceKind = 'DIRECTLY_BOOKABLE' | 'INDIRECTLY_BOOKABLE' | 'TRIAGE';

export interface SeedService {
  readonly id: string;
  readonly name: string;
  readonly kind: ServiceKind;
  readonly specialty: string;
  readonly ods: string;
}

export interface Seed {
  readonly patients: readonly string[];
  readonly services: readonly SeedService[];
  readonly firstUbrn: number;
  /** First slot time (UTC); slots run 09:00–13:00 for five days. */
  readonly slotsFrom: string;
}

export const DEFAULT_SEED: Seed = {
  patients: ['9912003888', '9912003896', '9462979626', '9401130264', '9190000000'],
  services: [
    {
      id: '10000',
      name: 'Cardiology Outpatients — Leeds General',
      kind: 'DIRECTLY_BOOKABLE',
      specialty: 'CARDIOLOGY',
      ods: 'R69',
    },
    {
      id: '11002',
      name: 'Dermatology — Indirectly Bookable',
      kind: 'INDIRECTLY_BOOKABLE',
      specialty: 'DERMATOLOGY',
      ods: 'R69',
    },
    {
      id: '12000',
      name: 'Urology Referral Assessment Service',
      kind: 'TRIAGE',
      specialty: 'UROLOGY',
      ods: 'R69',
    },
    {
      id: '13000',
      name: 'Gastroenterology — Directly Bookable',
      kind: 'DIRECTLY_BOOKABLE',
      specialty: 'GASTROENTEROLOGY',
      ods: 'R69',
    },
    {
      id: '14000',
      name: 'Sleep Medicine Triage',
      kind: 'TRIAGE',
      specialty: 'SLEEP_MEDICINE',
      ods: 'R69',
    },
    {
      id: '50001',
      name: 'Orthopaedics Referral Assessment Service',
      kind: 'TRIAGE',
      specialty: 'ORTHOPAEDICS',
      ods: 'R69',
    },
    {
      id: '90596',
      name: 'Sleep Medicine RAS (example A021)',
      kind: 'TRIAGE',
      specialty: 'SLEEP_MEDICINE',
      ods: 'R68',
    },
    {
      id: '90636',
      name: 'Sleep Medicine Clinic (example A011)',
      kind: 'DIRECTLY_BOOKABLE',
      specialty: 'SLEEP_MEDICINE',
      ods: 'R68',
    },
    {
      id: '90637',
      name: 'Heart Failure Clinic',
      kind: 'DIRECTLY_BOOKABLE',
      specialty: 'CARDIOLOGY',
      ods: 'R68',
    },
  ],
  firstUbrn: 90_000,
  slotsFrom: '2027-01-11T09:00:00.000Z',
};
