import { CODE_SYSTEM, PROFILE } from '../ers/systems.js';

/** An eRS OperationOutcome the sandbox answers with (ENDPOINTS.md §2.3), thrown by handlers. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly ersCode: string,
    readonly diagnostics: string,
    readonly issueCode: string = issueCodeFor(ersCode),
  ) {
    super(`${ersCode}: ${diagnostics}`);
  }

  toOutcome(): Record<string, unknown> {
    return operationOutcome(this.ersCode, this.diagnostics, this.issueCode);
  }
}

/** FHIR issue type per eRS code, as observed in the published mocks (§2.3). */
export function issueCodeFor(code: string): string {
  switch (code) {
    case 'MISSING_VALUE':
    case 'MISSING_HEADER':
      return 'required';
    case 'UNEXPECTED_FIELD':
    case 'INVALID_VALUE':
    case 'INVALID_CODE':
      return 'value';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'NO_ACCESS':
      return 'login';
    case 'SYSTEM_UNAVAILABLE':
      return 'transient';
    case 'PAS_NOT_RESPONDING':
      return 'timeout';
    case 'PAS_RESPONDED_WITH_ERROR':
      return 'exception';
    case 'INVALID_FHIR_STRUCTURE':
    case 'SANDBOX_ERROR':
      return 'invalid';
    default:
      return 'business-rule';
  }
}

export function operationOutcome(
  code: string,
  diagnostics: string,
  issueCode = issueCodeFor(code),
): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    meta: { profile: [PROFILE.operationOutcome] },
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: CODE_SYSTEM.apiErrorCode, code, display: code }] },
        diagnostics,
      },
    ],
  };
}
