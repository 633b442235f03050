import type { ScenarioInput } from './inputs.js';

const NHS = '9912003888';
const CLINICIAN = '021600556514';
const UBRN = '000000070000';
const cardiology = { specialty: 'CARDIOLOGY', clinicType: 'HEART_FAILURE' };
const file = (url: string, description: string, indexed: string) => ({
  url: `Binary/${url}`,
  description,
  indexed,
});
const booking = { ubrn: UBRN, version: '6', nhsNumber: NHS };
const cancelComment = 'This is a cancellation reason comment';
const cancel = (reason: string, comments?: string): ScenarioInput => ({
  operation: 'A036',
  input: { ubrn: UBRN, version: '5', reason, ...(comments ? { comments } : {}) },
});
const directAppointment = (
  appointmentId: string,
  ubrn: string,
  reason: string,
  comment?: string,
) => ({
  operation: 'A034',
  input: {
    appointmentId,
    appointmentVersion: '1',
    ubrn,
    version: '6',
    serviceId: '50',
    serviceName: 'Direct SVC 1',
    nhsNumber: '1000000001',
    reason,
    ...(comment ? { comment } : {}),
  },
});
const shortlistChange = (serviceIds: string[], extra: Record<string, unknown> = {}) => ({
  ubrn: UBRN,
  version: '5',
  priority: 'URGENT',
  ...cardiology,
  ageAndGenderAppropriate: false,
  serviceIds,
  ...extra,
});

/** More POST/PUT scenarios (A016–A044), by operation and NHS request file name. */
export const MORE_BODY_INPUTS: Readonly<Record<string, ScenarioInput>> = {
  'A016 MinimalBooking.json': {
    operation: 'A016',
    input: {
      ...booking,
      serviceId: '11000',
      action: 'book',
      slotId: '11000021',
      start: '2022-07-11T12:00:00+00:00',
      end: '2022-07-11T13:00:00+00:00',
    },
  },
  'A016 MinimalDeferral.json': {
    operation: 'A016',
    input: {
      ...booking,
      serviceId: '11021',
      action: 'defer',
      deferReason: 'NO_SLOTS_AT_SERVICE',
      comment: 'There are no slots',
    },
  },
  'A016 TriageDeferral.json': {
    operation: 'A016',
    input: { ...booking, serviceId: '50001', action: 'defer', deferReason: 'TRIAGE' },
  },
  'A016 BookingWithNamedClinician.json': {
    operation: 'A016',
    input: {
      ...booking,
      serviceId: '11008',
      action: 'book',
      slotId: '11008006',
      start: '2022-07-11T13:15:00+00:00',
      end: '2022-07-11T14:15:00+00:00',
      namedClinician: CLINICIAN,
    },
  },
  'A016 DeferralWithSlotReference.json': {
    operation: 'A016',
    input: {
      ...booking,
      serviceId: '11000',
      action: 'defer',
      deferReason: 'SLOT_NOT_AVAILABLE',
      slotId: '11000022',
      comment: 'Patient can only attend at 3pm',
    },
  },
  'A016 DeferralBookingAttemptProblem.json': {
    operation: 'A016',
    input: {
      ...booking,
      serviceId: '11000',
      action: 'defer',
      deferReason: 'BOOKING_ATTEMPT_PROBLEM',
      comment: 'Booking failed',
    },
  },

  'A021 Parameters.json': {
    operation: 'A021',
    input: {
      nhsNumber: NHS,
      priority: 'ROUTINE',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11004'],
    },
  },
  'A021 ParametersWithNamedClinician.json': {
    operation: 'A021',
    as: 'REFERRING_CLINICIAN_ADMIN',
    input: {
      nhsNumber: NHS,
      referringClinician: CLINICIAN,
      priority: 'ROUTINE',
      namedClinician: CLINICIAN,
      clinicalTerm: '1003',
      // This example lists the named clinician before the clinical term.
      criteriaOrder: ['priority', 'namedClinician', 'clinicalTerm'],
      serviceIds: ['11004'],
    },
  },

  'A022 MinimalExampleDBS.json': {
    operation: 'A022',
    input: { ubrn: UBRN, version: '5', comments: 'Please contact patient to rebook' },
  },
  'A022 MinimalExampleIBS.json': {
    operation: 'A022',
    input: {
      ubrn: UBRN,
      version: '5',
      comments: 'Please contact patient to rebook',
      appointmentCancelledInPas: true,
    },
  },
  'A022 PriorityChangeAndWithAttachmentsDBS.json': {
    operation: 'A022',
    input: {
      ubrn: UBRN,
      version: '5',
      comments: 'Please contact patient to rebook',
      priority: 'URGENT',
      indexed: '2021-11-03T14:29:41.988000+00:00',
      files: [
        {
          url: 'Binary/b2b22a7e-b3e9-4625-8d2c-00507bfdffb5',
          description: 'My first provider attachment',
        },
        {
          url: 'Binary/857b901d-1491-47d3-90e2-6c9f13f744dc',
          description: 'My second provider attachment',
        },
      ],
    },
  },

  'A023 MinimalAdviceAndGuidanceRequests.json': { operation: 'A023', input: {} },

  'A026 RequireFurtherInformation.json': {
    operation: 'A026',
    input: {
      ubrn: UBRN,
      version: '5',
      outcome: 'REQUIRE_FURTHER_INFORMATION',
      guidance: 'Please supply me with xxx test results',
      priority: 'TWO_WEEK_WAIT',
    },
  },
  'A026 ReturnToReferrerWithAdvice.json': {
    operation: 'A026',
    input: {
      ubrn: UBRN,
      version: '5',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      recommendation: 'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
      guidance: 'No evidence of serious problem: patient can be advised to xxx',
      priority: 'ROUTINE',
    },
  },
  'A026 AttachmentIncluded.json': {
    operation: 'A026',
    input: {
      ubrn: UBRN,
      version: '5',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      recommendation: 'OTHER',
      guidance: 'Advise treatment as in attached document',
      priority: 'ROUTINE',
      files: [
        file(
          '19eb7224-dff3-4730-a5cb-67eac811f1a5',
          'Treatment Specification',
          '2021-09-29T13:22:35.335000+00:00',
        ),
      ],
    },
  },

  'A027 NoAttachments.json': {
    operation: 'A027',
    input: {
      ubrn: UBRN,
      version: '3',
      guidance: 'I have converted this to send the patient to one of our services',
      priority: 'ROUTINE',
      reviewComments: "Refer this patient to our 'xxx' service please as soon as possible",
    },
  },
  'A027 WithAttachments.json': {
    operation: 'A027',
    input: {
      ubrn: UBRN,
      version: '3',
      guidance: 'Patient booked into our service. See attachment for best initial medication',
      priority: 'ROUTINE',
      reviewComments: "Book patient to 'xxx' service to include attached file as referral letter",
      guidanceFiles: [
        file(
          'badaf6fc-90f4-411d-999f-04ccd79fa166',
          'Initial medication',
          '2021-10-01T14:06:14.915000+00:00',
        ),
      ],
      reviewFiles: [
        file(
          '38dc19ab-893f-47ca-8db0-2d0a07c0e387',
          'Referral letter',
          '2021-10-01T14:06:14.919000+00:00',
        ),
      ],
    },
  },

  'A028 ReturnToReferrerWithAdvice.json': {
    operation: 'A028',
    input: {
      ubrn: UBRN,
      version: '9',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      comments: 'Condition not serious. No further action needed',
    },
  },
  'A028 AcceptReferBookLater.json': {
    operation: 'A028',
    input: {
      ubrn: UBRN,
      version: '9',
      outcome: 'ACCEPT_REFER_BOOK_LATER',
      priority: 'URGENT',
      comments: 'Urgent action needed. To be booked ASAP',
    },
  },
  'A028 AttachmentIncluded.json': {
    operation: 'A028',
    input: {
      ubrn: UBRN,
      version: '9',
      outcome: 'RETURN_TO_REFERRER_WITH_ADVICE',
      comments: 'Condition not serious. See attached document',
      files: [
        file(
          'a7c98bb4-c0d0-4094-b26d-8dbd1677edc8',
          'Condition details',
          '2021-10-07T15:00:41.239000+00:00',
        ),
      ],
    },
  },

  'A031 UnbookedReferral.json': { operation: 'A031', input: shortlistChange(['11002']) },
  'A031 UnbookedReferralMultipleServices.json': {
    operation: 'A031',
    input: shortlistChange(['11000', '11001', '11002', '11003', '11008']),
  },
  'A031 UnbookedReferralMixedShortlist.json': {
    operation: 'A031',
    input: shortlistChange(['11002', '51002']),
  },
  'A031 NonMixedShortlistWithDocument.json': {
    operation: 'A031',
    input: shortlistChange(['11004', '11002'], {
      priority: 'ROUTINE',
      commissioningProvisioning: 'ALL_AVAILABLE_FOR_BOOKING',
      letterIntention: 'NOT_INTENDING_TO_ADD',
      firstReminderLetterFollowUpDays: 1,
      // This example lists the letter parameters before the shortlist.
      parameterOrder: [
        'intentionToAddReferralLetter',
        'firstReminderLetterFollowUpDays',
        'shortlist',
      ],
    }),
  },
  'A032 MinimalRequest.json': {
    operation: 'A032',
    input: shortlistChange(['11004'], {
      priority: 'ROUTINE',
      letterIntention: 'NOT_INTENDING_TO_ADD',
    }),
  },

  'A034 MinimalCancellationReasonOnlyCommentNotMandatory.json': directAppointment(
    '70003',
    '000000070004',
    'PATIENT_ILL',
  ),
  'A034 CancellationReasonAndMandatoryComment.json': directAppointment(
    '70004',
    '000000070005',
    'PATIENT_APPOINTMENT_CANCELLATION_OTHER',
    'Cancellation Comment',
  ),
  'A034 CancellationReasonOnlyCommentMandatory.json': directAppointment(
    '70005',
    '000000070005',
    'PATIENT_APPOINTMENT_CANCELLATION_OTHER',
  ),
  'A034 CancellationInvalidReason.json': directAppointment(
    '70006',
    '000000070006',
    'INTEND_PRIVATE',
    'Intend Private Comment',
  ),

  'A036 IntendPrivateWithoutComment.json': cancel('INTEND_PRIVATE'),
  'A036 PatientRequestCancellationOther.json': cancel(
    'PATIENT_REQUEST_CANCELLATION_OTHER',
    cancelComment,
  ),
  'A036 RaisedInError.json': cancel('RAISED_IN_ERROR', cancelComment),
  'A036 ReferrerCancellation.json': cancel('REFERRER_CANCELLATION', cancelComment),
  'A036 NoLongerRequired.json': cancel('TREATMENT_NO_LONGER_REQUIRED', cancelComment),
  'A036 IntendPrivateWithComment.json': cancel('INTEND_PRIVATE', cancelComment),
  'A036 bookedOutsideCabWithoutComment.json': cancel('BOOKED_OUTSIDE_CAB'),
  'A036 outpatientService.json': cancel('OUTPATIENT_SERVICE_NA', cancelComment),

  'A044 ExampleRCAWithAttachments.json': {
    operation: 'A044',
    as: 'REFERRING_CLINICIAN_ADMIN',
    input: {
      nhsNumber: NHS,
      providerMayConvert: true,
      priority: 'ROUTINE',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11014'],
      request: 'Request text.',
      files: [
        file(
          'e1015896-92f4-4073-ad3c-5f30fca76448',
          'Treatment Specification',
          '2021-09-29T13:22:35.335000+00:00',
        ),
      ],
      referringClinician: CLINICIAN,
    },
  },
  'A044 ExampleRCWithoutAttachments.json': {
    operation: 'A044',
    input: {
      nhsNumber: NHS,
      providerMayConvert: false,
      priority: 'ROUTINE',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11014'],
      request: 'Request text.',
    },
  },
};
