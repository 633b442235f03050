import type { RetryPolicy } from '../config/channel-schema.js';
import type { RetryClass } from '../core/error-codes.js';
import type { MessageStatus } from '../core/store-types.js';

export interface FailureDecision {
  readonly status: Extract<MessageStatus, 'QUEUED' | 'DEAD' | 'NEEDS_REVIEW' | 'ERROR'>;
  /** For QUEUED: when to try again (epoch ms). */
  readonly nextAttemptAt?: number;
}

/**
 * What a failure does to a message (DESIGN.md invariant 2): transient → QUEUED with exponential
 * backoff and jitter until attempts run out (DEAD); ambiguous → NEEDS_REVIEW; permanent → ERROR.
 * `random` is a parameter so tests can fix the jitter.
 */
export function decideOnFailure(options: {
  retry: RetryClass;
  attempts: number;
  policy: RetryPolicy;
  now: number;
  retryAfterMs?: number | undefined;
  random?: () => number;
}): FailureDecision {
  const { retry, attempts, policy, now } = options;
  switch (retry) {
    case 'permanent':
      return { status: 'ERROR' };
    case 'ambiguous':
      return { status: 'NEEDS_REVIEW' };
    case 'transient': {
      if (attempts >= policy.maxAttempts) return { status: 'DEAD' };
      const delay = backoffDelayMs(attempts, policy, options.random ?? Math.random);
      const notBefore = options.retryAfterMs ?? 0;
      return { status: 'QUEUED', nextAttemptAt: Math.max(now + delay, notBefore) };
    }
    default:
      return retry satisfies never;
  }
}

/** Delay before attempt `attempts + 1`, where `attempts` have already failed (≥ 1). */
export function backoffDelayMs(
  attempts: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** Math.max(0, attempts - 1),
  );
  const jitter = base * policy.jitterRatio * (random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}
