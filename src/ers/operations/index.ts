// ers/operations: typed builders — logical inputs in, the exact e-RS request out. Add one: README.md.
import type { z } from 'zod';
import { CreateReferralInputSchema, createReferralRequest } from './create-referral.js';
import {
  AcceptReferralInputSchema,
  MaintainLetterInputSchema,
  PatientLetterInputSchema,
  RejectReferralInputSchema,
  RetrieveReferralInputSchema,
  acceptReferralRequest,
  maintainLetterRequest,
  patientLetterRequest,
  rejectReferralRequest,
  retrieveReferralRequest,
} from './referral-actions.js';
import { UploadInputSchema, uploadRequest } from './upload.js';
import {
  BookOrDeferInputSchema,
  CancelActionLaterInputSchema,
  FetchWorklistInputSchema,
  RetrieveSlotsInputSchema,
  bookOrDeferRequest,
  cancelActionLaterRequest,
  fetchWorklistRequest,
  retrieveSlotsRequest,
} from './booking.js';
import {
  ClinicalInformationInputSchema,
  ReferenceDataInputSchema,
  RetrieveAttachmentInputSchema,
  ServiceSearchInputSchema,
  clinicalInformationRequest,
  referenceDataRequest,
  retrieveAttachmentRequest,
  serviceSearchRequest,
} from './reference-data.js';
import {
  AdviceConversationInputSchema,
  AdviceSummaryInputSchema,
  AdviceWorklistInputSchema,
  AvailableActionsInputSchema,
  ConvertAdviceInputSchema,
  RecordReviewOutcomeInputSchema,
  SendAdviceResponseInputSchema,
  adviceConversationRequest,
  adviceSummaryRequest,
  adviceWorklistRequest,
  availableActionsRequest,
  convertAdviceRequest,
  recordReviewOutcomeRequest,
  sendAdviceResponseRequest,
} from './advice-guidance.js';
import type { OperationRequest } from './types.js';

export interface OperationDefinition<T> {
  readonly id: string;
  readonly name: string;
  readonly input: z.ZodType<T>;
  build(input: T): OperationRequest;
}

const op = <T>(d: OperationDefinition<T>): OperationDefinition<T> => d;

export const OPERATIONS = {
  A004: op({
    id: 'A004',
    name: 'Retrieve reference data',
    input: ReferenceDataInputSchema,
    build: referenceDataRequest,
  }),
  A005: op({
    id: 'A005',
    name: 'Retrieve referral',
    input: RetrieveReferralInputSchema,
    build: retrieveReferralRequest,
  }),
  A006: op({
    id: 'A006',
    name: 'Retrieve attachment',
    input: RetrieveAttachmentInputSchema,
    build: retrieveAttachmentRequest,
  }),
  A007: op({
    id: 'A007',
    name: 'Retrieve clinical information',
    input: ClinicalInformationInputSchema,
    build: clinicalInformationRequest,
  }),
  A008: op({
    id: 'A008',
    name: 'Retrieve worklist',
    input: FetchWorklistInputSchema,
    build: fetchWorklistRequest,
  }),
  A010: op({
    id: 'A010',
    name: 'Patient service search',
    input: ServiceSearchInputSchema,
    build: serviceSearchRequest,
  }),
  A011: op({
    id: 'A011',
    name: 'Create referral',
    input: CreateReferralInputSchema,
    build: (i) => createReferralRequest(i, false),
  }),
  A012: op({
    id: 'A012',
    name: 'Maintain referral letter',
    input: MaintainLetterInputSchema,
    build: maintainLetterRequest,
  }),
  A013: op({
    id: 'A013',
    name: 'Accept referral',
    input: AcceptReferralInputSchema,
    build: acceptReferralRequest,
  }),
  A014: op({
    id: 'A014',
    name: 'Reject referral',
    input: RejectReferralInputSchema,
    build: rejectReferralRequest,
  }),
  A015: op({
    id: 'A015',
    name: 'Retrieve slots',
    input: RetrieveSlotsInputSchema,
    build: retrieveSlotsRequest,
  }),
  A016: op({
    id: 'A016',
    name: 'Book or defer',
    input: BookOrDeferInputSchema,
    build: bookOrDeferRequest,
  }),
  A019: op({
    id: 'A019',
    name: 'Generate patient letter',
    input: PatientLetterInputSchema,
    build: patientLetterRequest,
  }),
  A020: op({ id: 'A020', name: 'Upload file', input: UploadInputSchema, build: uploadRequest }),
  A021: op({
    id: 'A021',
    name: 'Create referral and send for triage',
    input: CreateReferralInputSchema,
    build: (i) => createReferralRequest(i, true),
  }),
  A022: op({
    id: 'A022',
    name: 'Cancel appointment, action later',
    input: CancelActionLaterInputSchema,
    build: cancelActionLaterRequest,
  }),
  A023: op({
    id: 'A023',
    name: 'Retrieve A&G worklist',
    input: AdviceWorklistInputSchema,
    build: adviceWorklistRequest,
  }),
  A024: op({
    id: 'A024',
    name: 'Retrieve A&G summary',
    input: AdviceSummaryInputSchema,
    build: adviceSummaryRequest,
  }),
  A025: op({
    id: 'A025',
    name: 'Retrieve A&G conversation',
    input: AdviceConversationInputSchema,
    build: adviceConversationRequest,
  }),
  A026: op({
    id: 'A026',
    name: 'Send A&G response',
    input: SendAdviceResponseInputSchema,
    build: sendAdviceResponseRequest,
  }),
  A027: op({
    id: 'A027',
    name: 'Convert A&G to referral',
    input: ConvertAdviceInputSchema,
    build: convertAdviceRequest,
  }),
  A028: op({
    id: 'A028',
    name: 'Record review outcome',
    input: RecordReviewOutcomeInputSchema,
    build: recordReviewOutcomeRequest,
  }),
  A029: op({
    id: 'A029',
    name: 'Available actions for user',
    input: AvailableActionsInputSchema,
    build: availableActionsRequest,
  }),
} as const;

export type OperationId = keyof typeof OPERATIONS;

export const isOperationId = (id: string): id is OperationId => id in OPERATIONS;

/** The zod schema of an operation's logical inputs, for mapping compilers to check against. */
export function operationInputSchema(id: string): z.ZodType | undefined {
  return isOperationId(id) ? OPERATIONS[id].input : undefined;
}

export type { OperationRequest } from './types.js';
export { createReferralBody, type CreateReferralInput } from './create-referral.js';
export { uploadProblems, MAX_UPLOAD_BYTES, UPLOAD_MIME_TYPES } from './upload.js';
