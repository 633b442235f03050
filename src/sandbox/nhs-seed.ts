import { CLINICIAN, LETTER, NHS_BINARIES, NHS_SERVICES, NHS_SLOTS } from './nhs-seed-catalogue.js';
import type { Seed } from './seed.js';

/**
 * NHS's e-RS sandbox test world (NHSDigital/e-referrals-service-api, sandbox/src/mocks/stu3; the
 * copies in test/fixtures/nhs-contract): the UBRNs, services, slots, appointments, clinicians and
 * files its example responses show, so a channel tried here behaves the same there. Each entry
 * names the mock it comes from. Where NHS's examples disagree with each other (its sandbox answers
 * by example, not by state: 000000070000 is unbooked in A005 and booked in A013), this world keeps
 * what the read operations (A005, A024, A038, A015, A010) show; docs/sandbox.md lists the
 * differences and test/sandbox/contract states the starting state of each write example.
 */
type Referral = Seed['referrals'][number];
const NHS_NUMBER = '9912003888';
const referral = (ubrn: string, extra: Partial<Referral>): Referral => ({
  ubrn,
  version: 5,
  state: 'NOT_BOOKED',
  nhsNumber: NHS_NUMBER,
  priority: 'ROUTINE',
  serviceIds: ['11002'],
  letters: [],
  locked: false,
  searchCriteria: {
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
    postcode: 'LS1 2TW',
    distanceLimit: 123,
  },
  ...extra,
});

/** 000000070000–000000070012 (retrieveReferralRequest/responses, availableActionsForUserList). */
const REFERRALS: Seed['referrals'] = [
  referral('000000070000', { letters: [LETTER('70000')] }), // Unbooked
  referral('000000070001', {
    state: 'BOOKED',
    letters: ['719f6045-e791-4029-8e0f-1201c02b0a55'],
    pathwayStart: '2024-05-08T09:54:23.167Z',
    appointment: {
      id: '70009',
      status: 'booked',
      serviceId: '11002',
      slotId: '11002001',
      start: '2021-06-13T12:30:00.000Z',
      end: '2021-06-13T12:45:00.000Z',
      clinician: '021600556514',
      created: '2021-06-11T12:33:25.664Z',
    },
  }), // BookedDBS
  referral('000000070002', {
    state: 'BOOKED',
    serviceIds: ['11016', '11017'],
    letters: ['719f6045-e791-4029-8e0f-1201c02b0a55'],
    pathwayStart: '2024-05-08T09:54:23.167Z',
    appointment: {
      id: '70010',
      status: 'booked',
      serviceId: '11016',
      start: '2021-07-05T10:00:00.000Z',
      end: '2021-07-05T10:00:00.000Z',
      created: '2021-06-11T12:33:25.664Z',
    },
  }), // BookedIBS
  referral('000000070003', {
    state: 'DEFERRED_TO_PROVIDER',
    reason: 'NO_SLOTS_AT_SERVICE',
    priority: 'URGENT',
    serviceIds: ['11010'],
    letters: [LETTER('70003')],
    pathwayStart: '2024-05-08T09:54:23.167Z',
    appointment: {
      id: '70011',
      status: 'proposed',
      serviceId: '11010',
      reason: 'NO_SLOTS_AT_SERVICE',
      comment: 'Yes!',
    },
  }), // DeferredToProvider
  referral('000000070004', {
    state: 'TRIAGED_PROVIDER_TO_ACTION',
    reason: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER',
    comments: "Actually I'd rather not",
    priority: 'TWO_WEEK_WAIT',
    serviceIds: ['11014'],
    fromAdvice: true,
    letters: ['d7f9fba4-3c57-4dec-a274-94dab9fd4518', '80245c92-d28a-4d1f-9b8d-c31f8ab9e322'],
    appointment: {
      id: '70012',
      status: 'proposed',
      serviceId: '11014',
      reason: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER',
      comment: "Actually I'd rather not",
    },
  }), // ConvertedFromAdviceAndGuidance
  referral('000000070005', {
    state: 'BOOKED',
    priority: 'TWO_WEEK_WAIT',
    relatedUbrn: '000000070004',
    pathwayStart: '2024-05-08T09:54:23.167Z',
    appointment: {
      id: '70013',
      status: 'booked',
      serviceId: '11002',
      slotId: '11002002',
      start: '2021-06-14T00:13:46.106Z',
      end: '2021-06-14T00:28:46.106Z',
      clinician: '021600556514',
    },
  }), // WithRelatedReferral
  referral('000000070006', {
    version: 6,
    state: 'BOOKED',
    appointment: {
      id: '70014',
      status: 'booked',
      serviceId: '11002',
      slotId: '11002003',
      start: '2021-06-21T12:30:00.000Z',
      end: '2021-06-21T13:30:00.000Z',
    },
  }), // A029 WithCancelDBAppointment
  // A038 Cancelled: the patient cancelled appointment 70006, the referral awaits booking again.
  referral('000000070007', {
    version: 7,
    serviceIds: ['50'],
    nhsNumber: '1000000001',
    appointment: {
      id: '70006',
      status: 'cancelled',
      serviceId: '50',
      reason: 'PATIENT_HOLIDAY',
      comment: 'Patient away',
      created: '2022-02-24T14:21:12.927Z',
    },
  }),
  referral('000000070008', {
    version: 9,
    state: 'BOOKED',
    serviceIds: ['50'],
    nhsNumber: '1000000001',
    appointment: {
      id: '70007',
      status: 'booked',
      serviceId: '50',
      slotId: '410201',
      start: '2022-02-25T08:00:00.000Z',
      end: '2022-02-25T09:00:00.000Z',
      created: '2022-02-24T14:26:59.442Z',
    },
  }), // A038 AandGConvertedToDBS
  // The states of NHS's referrer worklists (retrieveWorklist RejectedTriageResponse,
  // AssessmentReturnedCancelledDna): one rejected by the provider, one cancelled.
  referral('000000070009', {
    state: 'REJECTED',
    reason: 'FURTHER_INFORMATION_REQUIRED',
    nhsNumber: '9462979626',
  }),
  referral('000000070010', {
    state: 'CANCELLED_REFERRAL',
    reason: 'INTEND_PRIVATE',
    nhsNumber: '9462979626',
  }),
  referral('000000070011', {
    state: 'BOOKED',
    letters: [LETTER('70011')],
    pathwayStart: '2024-05-08T09:54:23.167Z',
    additionalRequirements: ['ADVOCACY', 'INTERPRETER', 'TRANSPORT'],
  }), // WithAdditionalRequirements
  referral('000000070012', {
    letters: [
      LETTER('70012'),
      'adda8c72-4a91-4dc7-a918-b6d12fb28085',
      '9e554611-3378-425c-9cab-700b697e52d3',
    ],
  }), // WithUnavailableAttachments
];

type Appointment = Seed['appointments'][number];
const appt = (id: string, ubrn: string, v: number, extra: Partial<Appointment>): Appointment => ({
  id,
  ubrn,
  referralVersion: v,
  nhsNumber: '1000000001',
  status: 'proposed',
  serviceId: '50',
  version: 5,
  ...extra,
});

/** Appointments 70000–70007 as A038 shows them (retrieveAppointment/responses). */
const APPOINTMENTS: Seed['appointments'] = [
  appt('70000', '000000070000', 6, {
    status: 'booked',
    slotId: '410241',
    start: '2022-03-01T08:00:00.000Z',
    end: '2022-03-01T09:00:00.000Z',
    created: '2022-02-24T14:02:37.672Z',
  }),
  appt('70001', '000000070001', 8, {
    status: 'booked',
    serviceId: '50002',
    start: '2022-03-24T10:10:00.000Z',
    end: '2022-03-24T10:10:00.000Z',
    created: '2022-02-24T14:07:07.101Z',
  }),
  appt('70002', '000000070002', 8, {
    reason: 'NO_SLOTS_AT_SERVICE',
    comment: 'Slot unavailable',
    created: '2022-02-24T14:13:36.636Z',
  }),
  appt('70003', '000000070004', 6, {
    serviceId: '50110',
    reason: 'TRIAGE',
    created: '2022-02-24T14:14:38.495Z',
  }),
  appt('70004', '000000070005', 8, {
    serviceId: '50110',
    reason: 'RETURN_TO_REFERRER_WITH_ADVICE',
    comment: 'Triage Response to referrer',
    created: '2022-02-24T14:15:45.547Z',
  }),
  appt('70005', '000000070006', 9, {
    reason: 'CANCEL_APPOINTMENT_ACTION_LATER',
    comment: 'Please rebook later',
    created: '2022-02-24T14:19:53.050Z',
  }),
  appt('70007', '000000070008', 9, {
    status: 'booked',
    slotId: '410201',
    start: '2022-02-25T08:00:00.000Z',
    end: '2022-02-25T09:00:00.000Z',
    created: '2022-02-24T14:26:59.442Z',
  }),
  appt('70006', '000000070007', 7, {
    status: 'cancelled',
    reason: 'PATIENT_HOLIDAY',
    comment: 'Patient away',
    created: '2022-02-24T14:21:12.927Z',
  }),
];

type Advice = Seed['adviceRequests'][number];
const advice = (ubrn: string, extra: Partial<Advice>): Advice => ({
  ubrn,
  version: 5,
  category: 'PROVIDER_RESPONSE_REQUIRED',
  nhsNumber: NHS_NUMBER,
  priority: 'ROUTINE',
  serviceId: '11014',
  authorisedToConvert: true,
  referrer: { sdsUserId: '103264992985', ods: 'R69' },
  messages: [
    { sentBy: 'REQUESTER', at: '2021-06-11T12:09:08.667Z', note: 'Request', attachments: [] },
  ],
  locked: false,
  ...extra,
});

/** A&G requests 000000070000–000000070004 and 000049146177 (retrieveAdviceAndGuidance*). */
const ADVICE: Seed['adviceRequests'] = [
  advice('000000070000', { referrer: { sdsUserId: CLINICIAN, ods: 'R68' } }),
  advice('000000070001', {
    messages: [
      {
        sentBy: 'REQUESTER',
        at: '2021-06-11T12:09:08.667Z',
        note: 'Request',
        attachments: ['719f6045-e791-4029-8e0f-1201c02b0a55'],
      },
    ],
  }),
  advice('000000070002', {
    messages: [
      {
        sentBy: 'REQUESTER',
        at: '2021-06-11T12:09:08.667Z',
        note: 'Request',
        attachments: [
          '9eb7224-dff3-4730-a5cb-67eac811f1a5',
          '2a8b042f-e12e-4249-9478-37b2426a4d65',
        ],
      },
    ],
  }),
  advice('000000070003', {}),
  advice('000000070004', {
    category: 'REFERRER_TO_REVIEW_RESPONSE',
    messages: [
      { sentBy: 'REQUESTER', at: '2021-06-11T12:09:08.667Z', note: 'Request', attachments: [] },
      {
        sentBy: 'RESPONDER',
        at: '2021-06-12T12:09:08.667Z',
        note: 'Response',
        attachments: ['874ef853-131a-48e9-8a0a-1417eaa79d8d'],
      },
    ],
  }),
  advice('000049146177', {}),
];

export const NHS_SEED: Seed = {
  patients: [NHS_NUMBER, '1000000001', '9462979626', '9312201101'],
  services: NHS_SERVICES,
  firstUbrn: 70_013,
  slotsFrom: '2021-05-22T08:00:00.000Z',
  // NHS's examples are set in June 2021 (000000070001's booked appointment is on 13 June, pending
  // review; NHS's A013 accepts a booked referral): its world's date rules compare with that day.
  today: '2021-06-12T00:00:00.000Z',
  generateSlots: false,
  slots: NHS_SLOTS,
  referrals: REFERRALS,
  appointments: APPOINTMENTS,
  adviceRequests: ADVICE,
  binaries: NHS_BINARIES,
};
