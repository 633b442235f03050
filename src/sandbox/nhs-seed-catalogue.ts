import type { Seed } from './seed.js';

/**
 * The services, slots and files of NHS's e-RS sandbox test world (nhs-seed.ts has its referrals,
 * appointments and A&G requests): from the mocks of NHSDigital/e-referrals-service-api
 * (test/fixtures/nhs-contract). Each list names the mocks it comes from.
 */
type Service = Seed['services'][number];
type Kind = Service['kind'];

const CICERO = { ods: 'R69', name: 'Cicero-Clinic' };
const svc = (id: string, name: string, kind: Kind, extra: Partial<Service> = {}): Service => ({
  id,
  name,
  kind,
  specialty: 'CARDIOLOGY',
  ods: 'R69',
  location: CICERO,
  ...extra,
});

/** Cardiology services 11000–11021 (A010 FetchServiceList*, A005/A011/A031 shortlists). */
const CARDIOLOGY: Service[] = [
  svc('11000', 'Forthright Cardiology Business Service', 'DIRECTLY_BOOKABLE'),
  svc('11001', 'Good Cardiology Business Service 2', 'DIRECTLY_BOOKABLE'),
  svc('11002', 'Good Cardiology Business Service', 'DIRECTLY_BOOKABLE', {
    letterRequired: true,
    waitDays: 10,
    clinicTypes: ['HEART_FAILURE', 'LIPID_MANAGEMENT'],
  }),
  svc('11003', 'Good Cardiology Business Service 4', 'DIRECTLY_BOOKABLE'),
  svc('11004', 'Cardiology Triage Business Service', 'TRIAGE'),
  svc('11005', 'Cardiology Business Service 5', 'DIRECTLY_BOOKABLE'),
  svc('11006', 'Cardiology Business Service 6', 'DIRECTLY_BOOKABLE'),
  svc('11007', 'Exceptional Cardiology Business Service', 'DIRECTLY_BOOKABLE', {
    letterRequired: true,
  }),
  svc('11008', 'FIRST Cardiology Business Service', 'DIRECTLY_BOOKABLE'),
  svc('11009', 'Cardiology Business Service 9', 'DIRECTLY_BOOKABLE'),
  svc('11010', 'Excellent Cardiology Business Service', 'DIRECTLY_BOOKABLE', {
    adviceAndGuidance: true,
  }),
  svc('11011', 'Cardiology Business Service 11', 'DIRECTLY_BOOKABLE'),
  svc('11012', 'Excellent Cardiology Business Service 12', 'DIRECTLY_BOOKABLE'),
  svc('11013', 'Excellent Cardiology Business Service 13', 'DIRECTLY_BOOKABLE'),
  svc('11014', 'Advice Only', 'ADVICE_ONLY', { adviceAndGuidance: true }),
  svc('11015', 'Cardiology Business Service 15', 'DIRECTLY_BOOKABLE'),
  svc('11016', 'Triage-Related Indirect Business Service', 'INDIRECTLY_BOOKABLE'),
  svc('11017', 'Triage-Related Indirect Business Service 2', 'INDIRECTLY_BOOKABLE'),
  svc('11018', 'Cardiology Business Service 18', 'DIRECTLY_BOOKABLE'),
  svc('11019', 'Cardiology Business Service 19', 'DIRECTLY_BOOKABLE'),
  svc('11020', 'Cardiology Business Service 20', 'DIRECTLY_BOOKABLE'),
  svc(
    '11021',
    'Cardiology Business Service - Requires Referral Letter, No Slots for slots polling tests',
    'DIRECTLY_BOOKABLE',
    { letterRequired: true },
  ),
  svc('11030', 'A LOCALLY_COMMISSIONABLE Service', 'DIRECTLY_BOOKABLE'),
  svc('11115', 'Triage Business Service 4', 'TRIAGE'),
];

/** 12000–12019: the twenty-service shortlist of A011 RequestTwentyServices; 12000 has slots (A015). */
const TWENTY: Service[] = Array.from({ length: 20 }, (_, n) =>
  svc(String(12_000 + n), `Good Cardiology Business Service ${n + 1}`, 'DIRECTLY_BOOKABLE'),
);

export const CLINICIAN = '921600556514';
const slot = (
  id: number,
  serviceId: string,
  start: string,
  schedule?: { id: string; clinician?: string },
): Seed['slots'][number] => ({
  id: String(id),
  serviceId,
  start,
  end: new Date(Date.parse(start) + 3_600_000).toISOString(),
  ...(schedule ? { schedule } : {}),
});
const withClinician = (service: string) => ({
  id: `${service}-${CLINICIAN}`,
  clinician: CLINICIAN,
});
const hourly = (first: number, serviceId: string, count: number, from: string, sched = true) =>
  Array.from({ length: count }, (_, n) =>
    slot(
      first + n,
      serviceId,
      new Date(Date.parse(from) + n * 3_600_000).toISOString(),
      sched ? withClinician(serviceId) : undefined,
    ),
  );

/** A015: 12000 three slots (Minimum), 10000 none (NoSlots), 11000 twelve (pages of five),
 *  13000 five over two schedules (Page1With2Schedules), 14000 four with clinician 921600556514. */
export const NHS_SLOTS: Seed['slots'] = [
  ...hourly(12_000_001, '12000', 3, '2021-05-22T08:25:32.562Z'),
  ...hourly(11_000_001, '11000', 12, '2021-05-22T08:25:32.562Z'),
  ...hourly(13_000_001, '13000', 4, '2021-05-22T20:59:43.956Z'),
  slot(13_000_005, '13000', '2021-05-23T08:59:43.956Z', { id: '13000', clinician: CLINICIAN }),
  ...hourly(14_000_001, '14000', 4, '2021-05-22T08:25:32.562Z'),
  // A016: MinimalBooking books 11000021 (DeferralWithSlotReference names 11000022),
  // BookingWithNamedClinician 11008006.
  slot(11_000_021, '11000', '2022-07-11T12:00:00.000Z'),
  slot(11_000_022, '11000', '2022-07-11T15:00:00.000Z'),
  slot(11_008_006, '11008', '2022-07-11T13:15:00.000Z'),
  slot(11_002_001, '11002', '2021-06-13T12:30:00.000Z'),
  slot(11_002_002, '11002', '2021-06-20T12:30:00.000Z'),
  slot(11_002_003, '11002', '2021-06-21T12:30:00.000Z'),
  slot(410_241, '50', '2022-03-01T08:00:00.000Z'),
  slot(410_201, '50', '2022-02-25T08:00:00.000Z'),
];

type Binary = Seed['binaries'][number];
/** The referral letter file of 0000000<n>: a version-4 UUID, as the platform names files. */
export const LETTER = (n: string): string => `5e77e400-0000-4000-8000-0000000${n}`;
const file = (
  id: string,
  fileName: string,
  contentType: string,
  type: NonNullable<Binary['type']>,
  extra: Partial<Binary> = {},
): Binary => ({
  id,
  fileName,
  contentType,
  text: `${fileName} (NHS sandbox test file)`,
  type,
  availability: 'AVAILABLE',
  attachedBy: '021600556514',
  attachedByOrganisation: 'R69',
  ...extra,
});

/** Files the examples attach or link (DocumentReference attachment urls in the mocks). */
export const NHS_BINARIES: Seed['binaries'] = [
  // NHS's examples show 19eb7224… as the letter of several referrals and attach it again in A026;
  // here it is an upload not yet attached, and each referral has its own letter file (LETTER).
  file('19eb7224-dff3-4730-a5cb-67eac811f1a5', 'provider.png', 'image/png', 'GUIDANCE_RESPONSE', {
    description: 'provider png',
  }),
  ...['70000', '70003', '70011', '70012'].map((n) =>
    file(LETTER(n), 'referralletter.pdf', 'application/pdf', 'REFERRER', {
      description: 'referralletter pdf',
      attachedOnBehalfOf: '004377014925',
      linkedTo: `0000000${n}`,
      ...(n === '70012' ? { availability: 'PENDING' as const } : {}),
    }),
  ),
  file('719f6045-e791-4029-8e0f-1201c02b0a55', 'testXXXInfo.pdf', 'application/pdf', 'REFERRER', {
    description: 'test xxx info',
    attachedOnBehalfOf: '004377014925',
    linkedTo: '000000070001',
  }),
  file(
    'd7f9fba4-3c57-4dec-a274-94dab9fd4518',
    'Advice and guidance conversation - 000000070004.pdf',
    'application/pdf',
    'REFERRER',
    { linkedTo: '000000070004' },
  ),
  file('80245c92-d28a-4d1f-9b8d-c31f8ab9e322', 'advice.png', 'image/png', 'ADVICE_REQUEST', {
    description: 'advice png',
    attachedBy: CLINICIAN,
    attachedByOrganisation: 'R68',
    linkedTo: '000000070004',
  }),
  file('adda8c72-4a91-4dc7-a918-b6d12fb28085', 'referralletter2.png', 'image/png', 'REFERRER', {
    availability: 'THREATS_FOUND',
    description: 'referralletter png',
    attachedOnBehalfOf: '021600556514',
    linkedTo: '000000070012',
  }),
  file(
    '9e554611-3378-425c-9cab-700b697e52d3',
    'referralletter3.doc',
    'application/msword',
    'REFERRER',
    {
      availability: 'VALIDATION_FAILED',
      description: 'referralletter doc',
      attachedOnBehalfOf: '021600556514',
      linkedTo: '000000070012',
    },
  ),
  // Uploaded (A020) but not yet attached: the files NHS's write examples attach.
  file('a7c98bb4-c0d0-4094-b26d-8dbd1677edc8', 'testResult2.pdf', 'application/pdf', 'REFERRER', {
    description: 'Second blood test results showing an anomaly in the values of xxxx',
  }),
  file('50f0c0d5-7ed1-4587-8fce-889c8685eb54', 'testResult1.pdf', 'application/pdf', 'REFERRER'),
  file(
    '3816ca48-897a-4be0-907d-a4e830b4e213',
    'ConditionDetails.pdf',
    'application/pdf',
    'PROVIDER',
    {
      attachedOnBehalfOf: '004377014925',
      description: 'Condition details',
    },
  ),
  file('857b901d-1491-47d3-90e2-6c9f13f744dc', 'test2.pdf', 'application/pdf', 'PROVIDER'),
  file('89d0521b-057e-4d5c-8630-f5ba2728843e', 'test1.pdf', 'application/pdf', 'PROVIDER', {
    description: 'My first provider attachment',
  }),
  file('badaf6fc-90f4-411d-999f-04ccd79fa166', 'test2.pdf', 'application/pdf', 'PROVIDER', {
    description: 'My second provider attachment',
  }),
  file('38dc19ab-893f-47ca-8db0-2d0a07c0e387', 'ReferralLetter.pdf', 'application/pdf', 'PROVIDER'),
  file('6fe7e7ed-2535-4b71-b5aa-c995d121f72e', 'upload.png', 'image/png', 'REFERRER'),
  file(
    'eb303237-8d14-4c39-b543-49a9a2a0d3c7',
    'InitialMedication.pdf',
    'application/pdf',
    'GUIDANCE_RESPONSE',
  ),
  file('b67faeac-065d-491b-a67e-b829c865b075', 'ReferralLetter.pdf', 'application/pdf', 'PROVIDER'),
  file('10e22163-b1d3-4434-8166-b92be5104c72', 'advice.png', 'image/png', 'ADVICE_REQUEST', {
    availability: 'PENDING',
  }),
  file(
    'e1015896-92f4-4073-ad3c-5f30fca76448',
    'treatment.pdf',
    'application/pdf',
    'ADVICE_REQUEST',
  ),
  file('b2b22a7e-b3e9-4625-8d2c-00507bfdffb5', 'upload.png', 'image/png', 'REFERRER'),
  file(
    'bb3db85f-21a1-4fa8-a490-6da6b06c0e06',
    'sample-txt-attachment-2.0.0.txt',
    'text/plain',
    'REFERRER',
  ),
  file(
    '874ef853-131a-48e9-8a0a-1417eaa79d8d',
    'moreTestXXXInfo.pdf',
    'application/pdf',
    'GUIDANCE_RESPONSE',
    {
      availability: 'VALIDATION_FAILED',
      linkedTo: '000000070004',
      attachedOnBehalfOf: '004377014925',
    },
  ),
  file('2a8b042f-e12e-4249-9478-37b2426a4d65', 'upload3.png', 'image/png', 'ADVICE_REQUEST', {
    availability: 'VALIDATION_FAILED',
    attachedOnBehalfOf: '021600556514',
    linkedTo: '000000070002',
  }),
  file('9eb7224-dff3-4730-a5cb-67eac811f1a5', 'upload2.png', 'image/png', 'ADVICE_REQUEST', {
    availability: 'THREATS_FOUND',
    attachedOnBehalfOf: '021600556514',
    linkedTo: '000000070002',
  }),
  // A006: the legacy 'att-' id and a version-4 UUID (retrieveAttachment/example_attachment.pdf).
  file('att-70000-70001', 'example_attachment.pdf', 'application/pdf', 'REFERRER'),
  file(
    'f1b1b2b1-30db-48f9-8906-8b703adca5fb',
    'example_attachment.pdf',
    'application/pdf',
    'REFERRER',
  ),
];

/** Every service of the NHS world. */
export const NHS_SERVICES: Seed['services'] = [
  svc('10000', 'Cardiology Business Service - No Slots', 'DIRECTLY_BOOKABLE'),
  ...CARDIOLOGY,
  ...TWENTY,
  svc('13000', 'Cardiology Business Service - Two Schedules', 'DIRECTLY_BOOKABLE'),
  svc('14000', 'Cardiology Business Service - Named Clinician', 'DIRECTLY_BOOKABLE'),
  svc('21012', 'Another Excellent Cardiology Business Service 13', 'DIRECTLY_BOOKABLE'),
  svc('50', 'Direct SVC 1', 'DIRECTLY_BOOKABLE'),
  svc('57', 'Direct SVC 8', 'DIRECTLY_BOOKABLE'),
  svc('50001', 'Cardiology Triage Service', 'TRIAGE'),
  svc('50002', 'Leeds Neuro Business Service', 'INDIRECTLY_BOOKABLE', { specialty: 'NEUROLOGY' }),
  svc('50110', 'Triage - 2WW', 'TRIAGE', { specialty: '2WW' }),
  svc('51002', 'Good Cardiology Triage Service', 'TRIAGE'),
];
