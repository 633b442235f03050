/**
 * The starting world of each NHS scenario. NHS's sandbox answers by example, so its write
 * examples all act on 000000070000 whatever state they need (unbooked for A031, booked for A013,
 * A014, A022, A036…), and a few read examples name record versions the read examples of other
 * operations contradict. Our sandbox answers by state, so each such scenario starts from the NHS
 * world (src/sandbox/nhs-seed.ts) with that record put in the state NHS's own response shows it
 * came from. Every other scenario runs on the NHS world unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  advice,
  booked,
  BOOKED_AT,
  on,
  RC,
  referral,
  SPC,
  START,
  UBRN,
  type Precondition,
  type SeedAdvice,
  type SeedReferral,
} from './preconditions-lib.js';
import { CONTRACT_DIR, type Scenario } from './scenarios.js';

export type { Precondition };

/** A referrer letter of A&G 000000070000 attached by an admin on behalf of a clinician (A027). */
const OBO_LETTER = 'a0270002-0000-4000-8000-000000070002';

/** Keyed by `${operation} ${scenario}` (unique in index.json once the path is added for reads). */
const TABLE: Record<string, Precondition> = {
  'A013 Accept referral': on(UBRN, 'booked at 11002, pending review (A013 ExampleResponse)', {
    version: 8,
    state: 'BOOKED',
    serviceIds: ['11000', '11002'],
    pathwayStart: START,
    appointment: booked('11002'),
  }),
  'A014 Basic example for IBS': on(UBRN, 'booked at IBS 11016 (ExampleResponseIbs)', {
    version: 9,
    state: 'BOOKED',
    serviceIds: ['11016'],
    pathwayStart: START,
    appointment: booked('11016', false),
  }),
  'A014 Basic example for DBS': on(UBRN, 'booked at DBS 11002 (ExampleResponseDbs)', {
    version: 9,
    state: 'BOOKED',
    pathwayStart: START,
    appointment: booked('11002'),
  }),
  'A022 Basic example for DBS': on(UBRN, 'booked at DBS 11002 (MinimalExampleDBS)', {
    version: 10,
    state: 'BOOKED',
    serviceIds: ['11000', '11002'],
    pathwayStart: START,
    appointment: booked('11002'),
  }),
  'A022 Example for priority change and attachments': on(
    UBRN,
    'booked at DBS 11002 (PriorityChangeAndWithAttachmentsDBS)',
    {
      version: 10,
      state: 'BOOKED',
      serviceIds: ['11002', '11000'],
      pathwayStart: START,
      appointment: booked('11002'),
    },
  ),
  'A022 Basic example for IBS': on(UBRN, 'booked at IBS 11016 (MinimalExampleIBS)', {
    version: 10,
    state: 'BOOKED',
    serviceIds: ['11016'],
    pathwayStart: START,
    appointment: booked('11016', false),
  }),
  'A028 Return to referrer with advice': on(UBRN, 'awaiting triage at 11115', {
    version: 9,
    state: 'AWAITING_TRIAGE',
    serviceIds: ['11115'],
    pathwayStart: START,
    appointment: { id: '70100', status: 'proposed', serviceId: '11115', reason: 'TRIAGE' },
  }),
  'A028 Accept refer book later': on(UBRN, 'deferred to provider 11010', {
    version: 9,
    state: 'DEFERRED_TO_PROVIDER',
    serviceIds: ['11010'],
    pathwayStart: START,
    appointment: {
      id: '70100',
      status: 'proposed',
      serviceId: '11010',
      reason: 'NO_SLOTS_AT_SERVICE',
    },
  }),
  'A028 Attachment included': on(UBRN, 'deferred to provider 11010', {
    version: 9,
    state: 'DEFERRED_TO_PROVIDER',
    serviceIds: ['11010'],
    pathwayStart: START,
    appointment: {
      id: '70100',
      status: 'proposed',
      serviceId: '11010',
      reason: 'NO_SLOTS_AT_SERVICE',
    },
  }),
  'A031 Unbooked ReferralRequest': on(UBRN, 'unbooked v2 with a pathway start, no letter yet', {
    version: 2,
    pathwayStart: START,
    letters: [],
  }),
  'A031 Unbooked ReferralRequest with Multiple Services': on(UBRN, 'as above', {
    version: 2,
    pathwayStart: START,
    letters: [],
  }),
  'A031 Unbooked ReferralRequest with Bookable and Triage Services': on(UBRN, 'as above', {
    version: 2,
    pathwayStart: START,
    letters: [],
  }),
  'A032 Unbooked ReferralRequest': on(
    UBRN,
    'unbooked v2 with a pathway start, additional requirements and updated letters',
    {
      version: 2,
      pathwayStart: START,
      additionalRequirements: ['INTERPRETER'],
      lettersUpdatedAt: START,
    },
  ),
  'A036 Cancelled Appointment and Referral': on(UBRN, 'booked at 11002 (updatedAppointment)', {
    version: 3,
    state: 'BOOKED',
    pathwayStart: START,
    additionalRequirements: ['INTERPRETER'],
    appointment: booked('11002'),
  }),
  'A036 Cancelled Referral After Prior Appointment Cancellation': on(
    UBRN,
    'unbooked at 57 after its appointment was cancelled (PATIENT_HOLIDAY)',
    {
      version: 3,
      serviceIds: ['57'],
      appointment: {
        id: '70100',
        status: 'cancelled',
        serviceId: '57',
        reason: 'PATIENT_HOLIDAY',
        comment: 'Patient away',
        ...BOOKED_AT,
      },
    },
  ),
  'A036 Cancelled Referral with Existing Review Outcome': on(
    UBRN,
    'triaged, provider to action after CANCEL_APPOINTMENT_ACTION_LATER',
    {
      version: 3,
      state: 'TRIAGED_PROVIDER_TO_ACTION',
      serviceIds: ['11004'],
      appointment: {
        id: '70100',
        status: 'proposed',
        serviceId: '11004',
        reason: 'CANCEL_APPOINTMENT_ACTION_LATER',
        comment: 'Please rebook later',
      },
    },
  ),
  'A036 Cancelled Referral (Provider) without Comment (Comment Not Mandatory)': on(
    UBRN,
    'BOOKED_OUTSIDE_CAB is a provider reason in NHS REFERRAL-CANCELLATION-REASON: sent as SPC',
    { version: 3, serviceIds: ['11004'] },
    { businessFunction: SPC },
  ),
  'A036 Cancelled Referral with Triage Response': on(
    UBRN,
    'OUTPATIENT_SERVICE_NA is a provider reason: sent as SPC, to a referral the provider accepted (ACCEPT_REFER_BOOK_LATER)',
    {
      version: 3,
      state: 'TRIAGED_PROVIDER_TO_ACTION',
      serviceIds: ['11004'],
      pathwayStart: START,
      additionalRequirements: ['INTERPRETER'],
      appointment: {
        id: '70100',
        status: 'proposed',
        serviceId: '11004',
        reason: 'ACCEPT_REFER_BOOK_LATER',
        comment: 'Book later',
        clinician: '021600556514',
      },
    },
    { businessFunction: SPC },
  ),
  'A034 Minimal Cancellation - Only Reason Provided (when a cancellation comment is not mandatory)':
    on(
      '000000070004',
      'appointment 70003 is the booked appointment of 000000070004 version 6 (the request names it)',
      {
        version: 6,
        state: 'BOOKED',
        serviceIds: ['50'],
        appointment: { id: '70003', status: 'booked', serviceId: '50', ...BOOKED_AT },
      },
    ),
  'A034 Reason and Comment Provided': on(
    '000000070005',
    'appointment 70004 is the booked appointment of 000000070005 version 6 (the request names it)',
    {
      version: 6,
      state: 'BOOKED',
      serviceIds: ['50'],
      appointment: { id: '70004', status: 'booked', serviceId: '50', ...BOOKED_AT },
    },
  ),
  'A027 No attachments': {
    why: 'the example converts version 3 of A&G 000000070000 (createFrom …/_history/3)',
    overlay: { adviceRequests: [advice('000000070000', { version: 3 })] },
  },
  'A027 With attachments': {
    why: "as above; its attachments are uploads for 000000070000, and the A&G request holds a referrer letter attached on behalf of a clinician (NHS's answer: DocumentReference-70002, AttachedOnBehalfOf 103264994989)",
    overlay: {
      adviceRequests: [
        advice('000000070000', {
          version: 3,
          messages: [
            {
              sentBy: 'REQUESTER',
              at: '2021-10-01T14:05:46.862Z',
              note: 'Request',
              attachments: [OBO_LETTER],
            },
          ],
        }),
      ],
      binaries: [
        {
          id: OBO_LETTER,
          fileName: 'referral-letter.txt',
          contentType: 'text/plain',
          text: 'Referral letter',
          linkedTo: UBRN,
          type: 'REFERRER',
          attachedBy: '103264994345',
          attachedOnBehalfOf: '103264994989',
        },
      ],
    },
  },
};

type Message = SeedAdvice['messages'][number];
const msg = (sentBy: Message['sentBy'], attachments: string[] = []): Message => ({
  sentBy,
  at: '2021-06-11T12:09:08.667Z',
  note: sentBy === 'REQUESTER' ? 'Request' : 'Response',
  attachments,
});
const F1 = '3816ca48-897a-4be0-907d-a4e830b4e213';
const F2 = '719f6045-e791-4029-8e0f-1201c02b0a55';
const F3 = '874ef853-131a-48e9-8a0a-1417eaa79d8d';
/**
 * A025: only the latest version's conversation is retrievable (as A005/A024), and NHS's examples
 * name versions 1–7 of requests its A024 shows at version 5: each starts from the A&G request at
 * the version its based-on names, holding the messages NHS's answer shows (sender, files).
 */
const A025: Record<string, { ubrn: string; version: number; messages: Message[] }> = {
  'Single message from referrer': {
    ubrn: '000000070000',
    version: 1,
    messages: [msg('REQUESTER')],
  },
  'One message each way': {
    ubrn: '000000070000',
    version: 2,
    messages: [msg('REQUESTER'), msg('RESPONDER')],
  },
  'Attachment present in each direction': {
    ubrn: '000000070001',
    version: 6,
    messages: [msg('REQUESTER', [F1]), msg('RESPONDER', [F2])],
  },
  'Multi-way conversation': {
    ubrn: '000000070002',
    version: 1,
    messages: [msg('REQUESTER'), msg('RESPONDER'), msg('REQUESTER'), msg('RESPONDER')],
  },
  'Attachment uploaded from RCS before A&G creation': {
    ubrn: '000000070003',
    version: 7,
    messages: [msg('REQUESTER', [F2]), msg('REQUESTER')],
  },
  'Attachment files unavailable for download': {
    ubrn: '000000070004',
    version: 3,
    messages: [msg('REQUESTER', [F1]), msg('RESPONDER', [F2, F3])],
  },
};

/**
 * A008 Referrals for Review: NHS's answers list 000000070001 booked (a future appointment at
 * 21012, allocated to 021600556514, letters updated) and 000000070002 awaiting triage.
 */
const FOR_REVIEW: Precondition = {
  why: 'two referrals pending the provider’s review, as NHS’s worklist answers show them',
  overlay: {
    referrals: [
      referral('000000070001', {
        version: 7,
        state: 'BOOKED',
        serviceIds: ['21012'],
        allocatedClinician: '021600556514',
        lettersUpdatedAt: START,
        pathwayStart: START,
        appointment: { id: '70100', status: 'booked', serviceId: '21012', ...BOOKED_AT },
      }),
      referral('000000070002', {
        version: 7,
        state: 'AWAITING_TRIAGE',
        serviceIds: ['11004'],
        appointment: { id: '70101', status: 'proposed', serviceId: '11004', reason: 'TRIAGE' },
      }),
    ],
  },
};
const REFERRER_LISTS = [
  'REJECTED_TRIAGE_RESPONSE',
  'ASSESSMENT_RETURNED_CANCELLED_DNA',
  'AWAITING_BOOKING',
  'LETTERS_OUTSTANDING',
];

/** A016: NHS's examples book or defer version 6 of 000000070000 to 11000, 11021, 50001, 11008. */
const A016: Precondition = on(
  UBRN,
  'unbooked version 6 whose shortlist holds the services the A016 examples use (their incomingReferral names …/_history/6)',
  { version: 6, serviceIds: ['11000', '11021', '50001', '11008'] },
);

/** A029: NHS names version 6 of each referral and the actions the examples show. */
const A029: Record<string, { state: Partial<SeedReferral>; bf: string }> = {
  '000000070000': { state: {}, bf: SPC },
  '000000070001': {
    state: {
      state: 'AWAITING_TRIAGE',
      serviceIds: ['11004'],
      appointment: { id: '70100', status: 'proposed', serviceId: '11004', reason: 'TRIAGE' },
    },
    bf: SPC,
  },
  '000000070002': { state: { state: 'NOT_BOOKED', serviceIds: ['11002'] }, bf: RC },
  '000000070003': { state: { state: 'NOT_BOOKED', serviceIds: ['11010'] }, bf: RC },
  '000000070004': { state: { state: 'NOT_BOOKED', serviceIds: ['11002'] }, bf: RC },
  '000000070005': { state: { state: 'NOT_BOOKED' }, bf: RC },
  '000000070006': { state: {}, bf: RC },
};

export function preconditionOf(s: Scenario): Precondition | undefined {
  const key = `${s.operation} ${s.scenario}`;
  if (TABLE[key]) return TABLE[key];
  if (s.operation === 'A016') return A016;
  if (s.operation === 'A008') {
    const list =
      /(REFERRALS_FOR_REVIEW|REJECTED_TRIAGE_RESPONSE|ASSESSMENT_RETURNED_CANCELLED_DNA|AWAITING_BOOKING|LETTERS_OUTSTANDING)/.exec(
        readFileSync(join(CONTRACT_DIR, s.requestBody ?? ''), 'utf8'),
      )?.[1];
    if (list === 'REFERRALS_FOR_REVIEW') return FOR_REVIEW;
    if (list !== undefined && REFERRER_LISTS.includes(list))
      return {
        why: `${list} is a referrer's worklist (NHS's sandbox answers any business function): asked as RC`,
        overlay: {},
        businessFunction: RC,
      };
  }
  const conversation = s.operation === 'A025' ? A025[s.scenario] : undefined;
  if (conversation)
    return {
      why: `A&G ${conversation.ubrn} at version ${conversation.version} with the conversation NHS's answer shows`,
      overlay: {
        adviceRequests: [
          advice(conversation.ubrn, {
            version: conversation.version,
            messages: conversation.messages,
            category:
              conversation.messages.at(-1)?.sentBy === 'RESPONDER'
                ? 'REFERRER_TO_REVIEW_RESPONSE'
                : 'PROVIDER_RESPONSE_REQUIRED',
          }),
        ],
      },
    };
  if (s.operation === 'A029') {
    const ubrn = /ReferralRequest\/(\d{12})/.exec(s.query?.['focus'] ?? '')?.[1] ?? '';
    const row = A029[ubrn];
    if (!row) return undefined;
    return on(
      ubrn,
      'NHS names version 6; the actions it shows are the referrer’s (Create Appointment, Change Shortlist, Cancel…) or the provider’s (Record Review Outcome), asked as that role',
      { version: 6, ...row.state },
      { businessFunction: row.bf },
    );
  }
  return undefined;
}
