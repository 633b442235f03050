/**
 * The logical inputs behind each NHS contract scenario, as a PAS message or an operator would
 * give them (ids, codes, texts, choices) — never NHS's request body. GET scenarios are read from
 * NHS's path and query (`fromRequest`); POST/PUT ones are written out here, one per request file.
 */
export interface ScenarioInput {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** The user's business function when it is not our role choice (an admin, say). */
  readonly as?: string;
}

const NHS = '9912003888';
const CLINICIAN = '021600556514';
const cardiology = { specialty: 'CARDIOLOGY', clinicType: 'HEART_FAILURE' };
const lipids = { specialty: 'CARDIOLOGY', clinicType: 'LIPID_MANAGEMENT' };

/** A GET (or body-less POST) scenario's input, read from NHS's path and query. */
export function fromRequest(
  operation: string,
  path: string,
  query: Readonly<Record<string, string>>,
): Record<string, unknown> | undefined {
  const m = (re: RegExp): RegExpExecArray | null => re.exec(path);
  const versioned = (r: RegExpExecArray | null, key: string) =>
    r ? { [key]: r[1], ...(r[2] ? { version: r[2] } : {}) } : undefined;
  switch (operation) {
    case 'A004':
      return { type: m(/\/CodeSystem\/([\w-]+)$/)?.[1] };
    case 'A005':
      return versioned(m(/\/ReferralRequest\/(\d{12})(?:\/_history\/(\d+))?$/), 'ubrn');
    case 'A006':
      return { attachmentUrl: m(/\/(Binary\/[\w.-]+)$/)?.[1] };
    case 'A007':
    case 'A013':
    case 'A019':
      return {
        ubrn: m(/\/ReferralRequest\/(\d{12})\//)?.[1],
        ...(operation === 'A013' ? { version: '9' } : {}),
      };
    case 'A015':
      return {
        serviceId: query['schedule.actor:HealthcareService'],
        priority: query['appointmentType'],
        commissioningRuleOrg: 'R69',
        count: Number(query['_count']),
        page: Number(query['page']),
        ...(query['schedule.actor:Practitioner']
          ? { namedClinician: query['schedule.actor:Practitioner'] }
          : {}),
      };
    case 'A024':
      return versioned(m(/\/CommunicationRequest\/(\d{12})(?:\/_history\/(\d+))?$/), 'ubrn');
    case 'A025': {
      const r = /CommunicationRequest\/(\d{12})\/_history\/(\d+)/.exec(query['based-on'] ?? '');
      return { ubrn: r?.[1], version: r?.[2] };
    }
    case 'A029': {
      const r = /ReferralRequest\/(\d{12})\/_history\/(\d+)/.exec(query['focus'] ?? '');
      return { ubrn: r?.[1], version: r?.[2] };
    }
    case 'A038': {
      const r = m(/\/Appointment\/(\d+)(?:\/_history\/(\d+))?$/);
      return r ? { appointmentId: r[1], ...(r[2] ? { version: r[2] } : {}) } : undefined;
    }
    case 'A043':
      return { ubrn: m(/\/CommunicationRequest\/(\d{12})\//)?.[1] };
    default:
      return undefined;
  }
}

const file = (url: string, description: string, indexed: string) => ({
  url: `Binary/${url}`,
  description,
  indexed,
});

/** POST/PUT scenarios by operation and NHS request file name. */
export const BODY_INPUTS: Readonly<Record<string, ScenarioInput>> = {
  'A008 MinimalReferralsForReview.json': {
    operation: 'A008',
    input: { listType: 'REFERRALS_FOR_REVIEW' },
  },
  'A008 MinimalAppointmentSlotIssues.json': {
    operation: 'A008',
    input: { listType: 'APPOINTMENT_SLOT_ISSUES' },
  },
  'A008 FilteringBySpecialty.json': {
    operation: 'A008',
    input: {
      listType: 'REFERRALS_FOR_REVIEW',
      specialty: 'CARDIOLOGY',
      specialtyAssigned: 'ASSIGNED',
    },
  },
  'A008 FilteringByService.json': {
    operation: 'A008',
    input: { listType: 'REFERRALS_FOR_REVIEW', serviceId: '21012' },
  },
  'A008 FilteringByClinician.json': {
    operation: 'A008',
    input: {
      listType: 'REFERRALS_FOR_REVIEW',
      clinician: CLINICIAN,
      clinicianAssigned: 'ASSIGNED',
    },
  },
  'A008 MinimalRejectedTriageResponse.json': {
    operation: 'A008',
    input: { listType: 'REJECTED_TRIAGE_RESPONSE' },
  },
  'A008 MinimalAssessmentReturnedCancelledDna.json': {
    operation: 'A008',
    input: { listType: 'ASSESSMENT_RETURNED_CANCELLED_DNA' },
  },
  'A008 MinimalAwaitingBooking.json': {
    operation: 'A008',
    input: { listType: 'AWAITING_BOOKING' },
  },
  'A008 MinimalLettersOutstanding.json': {
    operation: 'A008',
    input: { listType: 'LETTERS_OUTSTANDING' },
  },

  'A010 RcMinimal.json': {
    operation: 'A010',
    input: { nhsNumber: NHS, priority: 'URGENT', ...lipids },
  },
  'A010 RcSearchByClinicalTerm.json': {
    operation: 'A010',
    input: {
      nhsNumber: NHS,
      sortBy: 'IWT',
      referringClinician: CLINICIAN,
      priority: 'URGENT',
      waitTimeLimitDays: 15,
      postcode: 'BR1 1AB',
      distanceLimit: 23,
      clinicalTerm: '1003',
      organisation: 'R69',
    },
  },
  'A010 RcSearchByNamedClinician.json': {
    operation: 'A010',
    input: { nhsNumber: NHS, priority: 'URGENT', namedClinician: CLINICIAN },
  },
  'A010 RcSearchForAdviceService.json': {
    operation: 'A010',
    input: {
      nhsNumber: NHS,
      requestType: 'ADVICE_AND_GUIDANCE_REQUEST',
      priority: 'URGENT',
      ...lipids,
    },
  },
  'A010 RcSearchWithCommissioningRuleOrganisation.json': {
    operation: 'A010',
    input: { nhsNumber: NHS, priority: 'URGENT', ...lipids, commissioningRuleOrganisation: 'R69' },
  },
  'A010 RcaWithIWT.json': {
    operation: 'A010',
    as: 'REFERRING_CLINICIAN_ADMIN',
    input: {
      nhsNumber: NHS,
      referringClinician: CLINICIAN,
      priority: 'URGENT',
      ...lipids,
      waitTimeLimitDays: 15,
    },
  },

  'A011 MinimalRequest.json': {
    operation: 'A011',
    input: {
      nhsNumber: NHS,
      priority: 'URGENT',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11002'],
      eReferralPathwayStart: '2024-05-01T09:55:00.000Z',
    },
  },
  'A011 RequestTwentyServices.json': {
    operation: 'A011',
    input: {
      nhsNumber: NHS,
      priority: 'ROUTINE',
      ...cardiology,
      waitTimeLimitDays: 50,
      postcode: 'LS1 2UT',
      distanceLimit: 123,
      clinicalTerm: '1003',
      namedClinician: CLINICIAN,
      organisation: 'R69',
      // This example lists organisation after ageAndGenderAppropriate.
      criteriaOrder: [
        'priority',
        'specialty',
        'clinicType',
        'indicativeAppointmentWaitTimeLimit',
        'postcode',
        'distanceLimit',
        'clinicalTerm',
        'namedClinician',
        'ageAndGenderAppropriate',
        'organisation',
      ],
      serviceIds: Array.from({ length: 20 }, (_, n) => String(12000 + n)),
      eReferralPathwayStart: '2024-05-01T09:55:00.000Z',
    },
  },
  'A011 RequestMixedShortlist.json': {
    operation: 'A011',
    input: {
      nhsNumber: NHS,
      priority: 'URGENT',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11002', '51002'],
    },
  },
  'A011 MinimalRequestWithReferringClinician.json': {
    operation: 'A011',
    as: 'REFERRING_CLINICIAN_ADMIN',
    input: {
      nhsNumber: NHS,
      referringClinician: CLINICIAN,
      priority: 'URGENT',
      ...cardiology,
      ageAndGenderAppropriate: false,
      serviceIds: ['11002'],
      eReferralPathwayStart: '2024-05-01T09:55:00.000Z',
    },
  },

  'A012 SingleDocumentReference.json': {
    operation: 'A012',
    input: {
      ubrn: '000000070000',
      version: '5',
      files: [
        file(
          '50f0c0d5-7ed1-4587-8fce-889c8685eb54',
          'Blood test results showing an anomaly in the values of xxxx',
          '2021-06-24T13:05:03.652000+00:00',
        ),
      ],
    },
  },
  'A012 MultipleDocumentReferences.json': {
    operation: 'A012',
    input: {
      ubrn: '000000070001',
      version: '5',
      files: [
        file(
          'e1015896-92f4-4073-ad3c-5f30fca76448',
          'First blood test results showing an anomaly in the values of xxxx',
          '2021-06-24T13:22:13.311000+00:00',
        ),
        file(
          '50f0c0d5-7ed1-4587-8fce-889c8685eb54',
          'Second blood test results showing an anomaly in the values of xxxx',
          '2021-06-24T13:22:13.465000+00:00',
        ),
      ],
    },
  },
  'A012 UpdateClinicalInfo.json': {
    operation: 'A012',
    input: {
      ubrn: '000000070001',
      version: '5',
      files: [
        file(
          '50f0c0d5-7ed1-4587-8fce-889c8685eb54',
          'Second blood test results showing an anomaly in the values of xxxx',
          '2021-06-24T13:22:13.465000+00:00',
        ),
      ],
    },
  },

  'A014 BasicExampleIbs.json': {
    operation: 'A014',
    input: {
      ubrn: '000000070000',
      version: '9',
      reason: 'OTHER',
      comments: 'This is a short comment',
      appointmentCancelledInPas: true,
    },
  },
  'A014 BasicExampleDbs.json': {
    operation: 'A014',
    input: {
      ubrn: '000000070000',
      version: '9',
      reason: 'SERVICE_INAPPROPRIATE',
      comments: 'This is a short comment',
    },
  },
};
