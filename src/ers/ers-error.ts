import { EngineError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { RetryClass } from '../core/error-codes.js';

/** An e-RS failure with what e-RS said: HTTP status, eRS-APIErrorCode-1 codes, transaction id. */
export class ErsError extends EngineError {
  readonly status: number | undefined;
  readonly ersCodes: readonly string[];
  readonly diagnostics: string | undefined;
  readonly transactionId: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    facts: {
      status?: number;
      ersCodes?: string[];
      diagnostics?: string;
      transactionId?: string;
      retry?: RetryClass;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(code, message, {
      context: {
        status: facts.status,
        ersCodes: facts.ersCodes ?? [],
        transactionId: facts.transactionId,
      },
      ...(facts.retry ? { retry: facts.retry } : {}),
      ...(facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {}),
      cause: facts.cause,
    });
    this.name = 'ErsError';
    this.status = facts.status;
    this.ersCodes = facts.ersCodes ?? [];
    this.diagnostics = facts.diagnostics;
    this.transactionId = facts.transactionId;
  }
}

interface OutcomeIssue {
  details?: { coding?: { code?: string }[] };
  diagnostics?: string;
}

/** Pure: the eRS error codes and diagnostics of an OperationOutcome body (or none). */
export function outcomeFacts(body: unknown): { codes: string[]; diagnostics: string | undefined } {
  const issues = (body as { resourceType?: string; issue?: OutcomeIssue[] } | null)?.issue ?? [];
  const codes = issues
    .flatMap((i) => (i.details?.coding ?? []).map((c) => c.code ?? ''))
    .filter((c) => c !== '');
  const diagnostics = issues
    .map((i) => i.diagnostics)
    .filter((d): d is string => typeof d === 'string')
    .join('; ');
  return { codes, diagnostics: diagnostics === '' ? undefined : diagnostics };
}

/** Pure: Retry-After (seconds or an HTTP date) as an absolute time. */
export function retryAfterAt(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return now + seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : date;
}

/**
 * Pure: how an HTTP answer fails (DESIGN.md invariant 2). Retry only what surely did not take
 * effect (429, 503, 409/423 re-read and retry, 401 after re-authentication); a 5xx on a write may
 * have been applied, so it is ambiguous; other 4xx are refusals.
 */
export function classifyStatus(
  status: number,
  method: string,
): { code: ErrorCode; retry: RetryClass } {
  if (status === 429) return { code: 'ERS_THROTTLED', retry: 'transient' };
  if (status === 503) return { code: 'ERS_UNAVAILABLE', retry: 'transient' };
  if (status === 409 || status === 423) return { code: 'ERS_CONFLICT', retry: 'transient' };
  if (status === 401) return { code: 'ERS_AUTH_FAILED', retry: 'transient' };
  if (status >= 500)
    return method === 'GET'
      ? { code: 'ERS_UNAVAILABLE', retry: 'transient' }
      : { code: 'ERS_OUTCOME_UNKNOWN', retry: 'ambiguous' };
  return { code: 'ERS_REJECTED', retry: 'permanent' };
}
