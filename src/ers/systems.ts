/**
 * Identifier systems, code systems and profiles of the e-RS STU3 API
 * (ENDPOINTS.md §2.7–2.8; shapes as in ../shared/ers/examples).
 */
export const SD = 'https://fhir.nhs.uk/STU3/StructureDefinition';
export const CS = 'https://fhir.nhs.uk/STU3/CodeSystem';

export const SYSTEM = {
  nhsNumber: 'http://fhir.nhs.net/Id/nhs-number',
  sdsUserId: 'http://fhir.nhs.net/Id/sds-user-id',
  ersService: 'http://fhir.nhs.net/Id/ers-service',
  odsOrganisation: 'https://directory.spineservices.nhs.uk/STU3/Organization',
  odsOrganizationCode: 'https://fhir.nhs.uk/Id/ods-organization-code',
  snomed: 'http://snomed.info/sct',
  requestId: 'https://fhir.nhs.uk/Id/ers-request-id',
} as const;

export const PROFILE = {
  createReferralParameters: `${SD}/eRS-CreateReferral-Parameters-1`,
  createReferralAndSendForTriageParameters: `${SD}/eRS-CreateReferralAndSendForTriage-Parameters-1`,
  shortlist: `${SD}/eRS-Shortlist-List-1`,
  serviceSearchCriteria: `${SD}/eRS-ServiceSearchCriteria-Parameters-1`,
  referralRequest: `${SD}/eRS-ReferralRequest-1`,
  operationOutcome: `${SD}/eRS-OperationOutcome-1`,
  maintainReferralLetterParameters: `${SD}/eRS-MaintainReferralLetter-Parameters-1`,
  rejectReferralParameters: `${SD}/eRS-RejectReferral-Parameters-1`,
  documentReference: `${SD}/eRS-DocumentReference-1`,
  appointment: `${SD}/eRS-Appointment-1`,
  careConnectAppointment:
    'https://fhir.hl7.org.uk/STU3/StructureDefinition/CareConnect-Appointment-1',
  cancelAppointmentActionLaterParameters: `${SD}/eRS-cancelAppointmentActionLater-Parameters-1`,
} as const;

export const EXTENSION = {
  shortlistSearchCriteria: `${SD}/Extension-eRS-Shortlist-SearchCriteria-1`,
  referralPriority: `${SD}/Extension-eRS-ReferralPriority-1`,
  referralState: `${SD}/Extension-eRS-ReferralState-1`,
  referralShortlist: `${SD}/Extension-eRS-ReferralShortlist-1`,
  commissioningRuleOrg: `${SD}/Extension-eRS-Commissioning-Rule-Org-1`,
  appointmentReference: `${SD}/Extension-eRS-Appointment-Reference-1`,
} as const;

export const CODE_SYSTEM = {
  priority: `${CS}/eRS-Priority-1`,
  referralLetterIntention: `${CS}/eRS-ReferralLetterIntention-1`,
  clinicType: `${CS}/eRS-ClinicType-1`,
  /** Static specialty system of old examples; requests use the dynamic `{base}/STU3/CodeSystem/SPECIALTY`. */
  specialty: `${CS}/eRS-Specialty-1`,
  commissioningProvisioning: `${CS}/eRS-CommissioningProvisioning-1`,
  referralState: `${CS}/eRS-ReferralState-1`,
  attachmentType: `${CS}/eRS-AttachmentType-1`,
  apiErrorCode: `${CS}/eRS-APIErrorCode-1`,
  reviewReason: `${CS}/eRS-ReviewReason-1`,
  referralListSelector: `${CS}/eRS-ReferralListSelector-1`,
} as const;

export const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_DISPLAY: Record<Priority, string> = {
  ROUTINE: 'Routine',
  URGENT: 'Urgent',
  TWO_WEEK_WAIT: 'Two Week Wait',
};

/** The dynamic code systems A004 serves (`{base}/STU3/CodeSystem/<ID>`). */
export const DYNAMIC_CODE_SYSTEMS = [
  'SPECIALTY',
  'CLINIC-TYPE',
  'APPOINTMENT-CANCELLATION-REASON',
  'REFERRAL-CANCELLATION-REASON',
  'APPOINTMENT-NON-ATTENDANCE-REASON',
  'PRIORITY',
] as const;
export type DynamicCodeSystem = (typeof DYNAMIC_CODE_SYSTEMS)[number];
