// ers: the e-RS client — typed operations, both auth modes, quota, error classes, audit rows.
export { ErsClient, type ErsClientOptions, type ErsResult, type ExecuteOptions } from './client.js';
export { ErsError, classifyStatus, outcomeFacts } from './ers-error.js';
export {
  OPERATIONS,
  OPERATION_IDS,
  PROVIDER_OPERATIONS,
  operationInputSchema,
  isOperationId,
  type OperationId,
} from './operations/index.js';
export {
  environmentOf,
  defaultCodeSystemBase,
  buildContextFor,
  type ErsEnvironment,
} from './environment.js';
export { worklistItems, type WorklistItem } from './readers/worklist.js';
export { slotSearchFacts } from './readers/referral.js';
export { fileNameOf } from './readers/standard.js';
export { isValidNhsNumber, normaliseNhsNumber, isUbrn } from './nhs-number.js';
export {
  platformAuth,
  sessionAuth,
  PRIVATE_KEY_ENV,
  type ErsAuth,
  type AuthContext,
} from './auth.js';
export { ClientAssertionTokenSource, type ClientAssertionOptions } from './platform-token.js';
export { auditDetail, auditTypeOf } from './audit.js';
export { createErsClient, stu3Base } from './provider.js';
