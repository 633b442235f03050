import {
  ERROR_CATALOGUE,
  type ErrorCode,
  type ErrorDefinition,
  type RetryClass,
} from './error-codes.js';

export interface ErrorDetails {
  /** Where the problem is, in the source's own notation: `PID-3.1`, `row 12, column nhs_number`,
   * `ReferralRequest.subject`, `mappings/ref.yaml:14:7`. */
  readonly at?: string;
  /** Extra facts safe to log (never patient data). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Overrides the catalogue retry class, e.g. a transport error known to be ambiguous. */
  readonly retry?: RetryClass;
  /** Earliest time a retry makes sense (e.g. from Retry-After), epoch ms. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/** The one error base class of ers-bridge: every error has a catalogued code. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly at: string | undefined;
  readonly context: Readonly<Record<string, unknown>>;
  readonly retry: RetryClass;
  readonly retryAfterMs: number | undefined;
  /**
   * What a destination sent (and heard, if anything) before this failure, set by the
   * destination: kept with the message and its attempt history, never logged (it may hold
   * patient data). `facts` are what a settlement needs to ask the far side (operation, version).
   */
  attempted: AttemptedCall | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EngineError';
    this.code = code;
    this.at = details.at;
    this.context = details.context ?? {};
    this.retry = details.retry ?? ERROR_CATALOGUE[code].retry;
    this.retryAfterMs = details.retryAfterMs;
  }

  get definition(): ErrorDefinition {
    return ERROR_CATALOGUE[this.code];
  }

  /** A plain object safe to store with the message and show to operators. */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      retry: this.retry,
      ...(this.at === undefined ? {} : { at: this.at }),
      ...(Object.keys(this.context).length === 0 ? {} : { context: this.context }),
    };
  }
}

export interface AttemptedCall {
  readonly request?: unknown;
  readonly response?: unknown;
  readonly facts?: Readonly<Record<string, string>>;
}

export interface SerializedError {
  readonly code: string;
  readonly message: string;
  readonly retry: RetryClass;
  readonly at?: string;
  readonly context?: Readonly<Record<string, unknown>>;
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}

/**
 * Anything that is not an EngineError is a bug or an unforeseen library failure. Where it
 * happened decides the class: before any side effect it is permanent, during a send it may have
 * taken effect and is ambiguous.
 */
export function toEngineError(
  error: unknown,
  fallbackRetry: RetryClass = 'permanent',
): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('ENGINE_UNEXPECTED', message, { retry: fallbackRetry, cause: error });
}
