import type { Seed } from './seed.js';

/**
 * The legacy default seed (world `legacy`): the identifiers of the NHS API platform sandbox (ENDPOINTS.md §7: NHS number
 * 9912003888, ODS R69, services 10000–14000, 11002, 50001), so a channel tried here behaves the
 * same there, plus what the official examples assume: services 90596/90636/70000/70002/91016/
 * 90282/90944, patient 9190000000 (whose check digit is wrong, as published) and the Advice and
 * Guidance requests of A023–A027 (whose services take no Two Week Wait A&G). The referrals the official examples act on are in
 * samples/sandbox/seed.yaml, so new referrals here number from 000000090000 in an empty world.
 */
const service = (
  id: string,
  name: string,
  kind: Seed['services'][number]['kind'],
  specialty: string,
  ods: string,
  extra: Partial<Seed['services'][number]> = {},
): Seed['services'][number] => ({ id, name, kind, specialty, ods, ...extra });

const LEEDS = { ods: 'R6901', name: 'Leeds General Infirmary' };
const PINDERFIELDS = { ods: 'R6007', name: 'Pinderfields Hospital' };
const REFERRER = { sdsUserId: '021600556514', ods: 'R68' };

export const LEGACY_SEED: Seed = {
  patients: ['9912003888', '9912003896', '9462979626', '9401130264', '9190000000', '1000000001'],
  services: [
    service(
      '10000',
      'Cardiology Outpatients — Leeds General',
      'DIRECTLY_BOOKABLE',
      'CARDIOLOGY',
      'R69',
      { location: LEEDS, waitDays: 21 },
    ),
    service(
      '11002',
      'Dermatology — Indirectly Bookable',
      'INDIRECTLY_BOOKABLE',
      'DERMATOLOGY',
      'R69',
      { location: LEEDS, waitDays: 35 },
    ),
    service('12000', 'Urology Referral Assessment Service', 'TRIAGE', 'UROLOGY', 'R69', {
      location: LEEDS,
      adviceAndGuidance: true,
      adviceTwoWeekWait: false,
    }),
    service(
      '13000',
      'Gastroenterology — Directly Bookable',
      'DIRECTLY_BOOKABLE',
      'GASTROENTEROLOGY',
      'R69',
      { location: LEEDS, waitDays: 28 },
    ),
    service('14000', 'Sleep Medicine Triage', 'TRIAGE', 'SLEEP_MEDICINE', 'R69', {
      location: LEEDS,
    }),
    service('50001', 'Orthopaedics Referral Assessment Service', 'TRIAGE', 'ORTHOPAEDICS', 'R69', {
      location: LEEDS,
    }),
    service('90596', 'R68_Sleep_TRIAGE+A&G', 'TRIAGE', 'SLEEP_MEDICINE', 'R68', {
      location: PINDERFIELDS,
      adviceAndGuidance: true,
      adviceTwoWeekWait: false,
    }),
    service('90636', 'R68_Sleep_DBS_RL_Assessment', 'DIRECTLY_BOOKABLE', 'SLEEP_MEDICINE', 'R68', {
      location: PINDERFIELDS,
      adviceAndGuidance: true,
      adviceTwoWeekWait: false,
      waitDays: 17,
    }),
    service('90637', 'Heart Failure Clinic', 'DIRECTLY_BOOKABLE', 'CARDIOLOGY', 'R68', {
      location: PINDERFIELDS,
      waitDays: 14,
    }),
    service(
      '70000',
      'General Medicine — bookable with Advice and Guidance',
      'DIRECTLY_BOOKABLE',
      'GENERAL_MEDICINE',
      'R69',
      { location: LEEDS, adviceAndGuidance: true, waitDays: 10, adviceTwoWeekWait: false },
    ),
    service('70002', 'R68-Advice', 'ADVICE_ONLY', 'DIETETICS', 'R68', {
      location: PINDERFIELDS,
      adviceAndGuidance: true,
      adviceTwoWeekWait: false,
    }),
    service('91016', 'SarahR-R68-Advice-Male-WG4', 'ADVICE_ONLY', 'DIETETICS', 'R68', {
      location: PINDERFIELDS,
      adviceAndGuidance: true,
      adviceTwoWeekWait: false,
    }),
    service(
      '90282',
      'R68 Sleep Medicine — Indirectly Bookable',
      'INDIRECTLY_BOOKABLE',
      'SLEEP_MEDICINE',
      'R68',
      { location: PINDERFIELDS, waitDays: 30 },
    ),
    service('50110', '2WW Bone Referral Assessment Service', 'TRIAGE', '2WW', 'R69', {
      location: LEEDS,
    }),
    service('90944', 'SG|R68|Triage|Rehab|0109', 'TRIAGE', 'REHABILITATION', 'R68', {
      location: PINDERFIELDS,
    }),
  ],
  firstUbrn: 90_000,
  slotsFrom: '2027-01-11T09:00:00.000Z',
  generateSlots: true,
  slots: [],
  referrals: [],
  appointments: [],
  adviceRequests: [
    {
      ubrn: '000000070000',
      version: 2,
      category: 'PROVIDER_RESPONSE_REQUIRED',
      nhsNumber: '1000000001',
      priority: 'ROUTINE',
      serviceId: '70000',
      authorisedToConvert: true,
      referrer: { sdsUserId: '021600556900', ods: 'R69' },
      messages: [
        { sentBy: 'REQUESTER', at: '2021-01-12T11:15:50.250Z', note: 'Request', attachments: [] },
      ],
      locked: false,
    },
    {
      ubrn: '000000070001',
      version: 6,
      category: 'REFERRER_TO_REVIEW_RESPONSE',
      nhsNumber: '9401130264',
      priority: 'ROUTINE',
      serviceId: '70002',
      authorisedToConvert: true,
      referrer: REFERRER,
      messages: [
        {
          sentBy: 'REQUESTER',
          at: '2021-02-18T17:25:24.257Z',
          note: 'Request',
          attachments: ['att-70001-80000'],
        },
        {
          sentBy: 'RESPONDER',
          at: '2021-02-18T17:25:59.379Z',
          note: 'Response',
          attachments: ['att-70001-80001'],
        },
      ],
      locked: false,
    },
    {
      ubrn: '000000102287',
      version: 5,
      category: 'PROVIDER_RESPONSE_REQUIRED',
      nhsNumber: '9401130264',
      priority: 'ROUTINE',
      serviceId: '91016',
      authorisedToConvert: true,
      referrer: REFERRER,
      messages: [
        { sentBy: 'REQUESTER', at: '2021-02-18T17:30:00.000Z', note: 'Request', attachments: [] },
      ],
      locked: false,
    },
    {
      ubrn: '000000102335',
      version: 4,
      category: 'PROVIDER_RESPONSE_REQUIRED',
      nhsNumber: '9401130264',
      priority: 'ROUTINE',
      serviceId: '91016',
      authorisedToConvert: true,
      referrer: REFERRER,
      messages: [
        { sentBy: 'REQUESTER', at: '2021-03-02T10:00:00.000Z', note: 'Request', attachments: [] },
      ],
      locked: false,
    },
  ],
  binaries: [
    {
      id: 'att-70001-80000',
      fileName: 'Test Word Document.docx',
      contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      text: 'advice request',
      linkedTo: '000000070001',
      type: 'ADVICE_REQUEST',
    },
    {
      id: 'att-70001-80001',
      fileName: 'Test Text Document.txt',
      contentType: 'text/plain',
      text: 'test',
      linkedTo: '000000070001',
      type: 'GUIDANCE_RESPONSE',
    },
    {
      id: 'att-102287-102727',
      fileName: 'test.txt',
      contentType: 'text/plain',
      text: 'guidance attachment 1\n',
      intendedUbrn: '000000102287',
    },
    {
      id: 'att-102335-102817',
      fileName: 'test.txt',
      contentType: 'text/plain',
      text: 'guidance attachment 2\n',
      intendedUbrn: '000000102335',
    },
    {
      id: 'att-102335-102818',
      fileName: 'test2.txt',
      contentType: 'text/plain',
      text: 'review attachment 22\n',
      intendedUbrn: '000000102335',
    },
  ],
};
