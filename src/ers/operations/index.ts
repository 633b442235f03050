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
import type { OperationRequest } from './types.js';

export interface OperationDefinition<T> {
  readonly id: string;
  readonly name: string;
  readonly input: z.ZodType<T>;
  build(input: T): OperationRequest;
}

const op = <T>(d: OperationDefinition<T>): OperationDefinition<T> => d;

export const OPERATIONS = {
  A005: op({
    id: 'A005',
    name: 'Retrieve referral',
    input: RetrieveReferralInputSchema,
    build: retrieveReferralRequest,
  }),
  A008: op({
    id: 'A008',
    name: 'Retrieve worklist',
    input: FetchWorklistInputSchema,
    build: fetchWorklistRequest,
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
