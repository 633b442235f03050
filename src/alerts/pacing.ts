import type { z } from 'zod';
import type { AlertDeliverySchema } from '../core/alert-settings.js';

export type DeliveryPolicy = z.infer<typeof AlertDeliverySchema>;

const HOUR_MS = 3_600_000;

export interface Pace {
  /** Delivery times of the last hour, oldest first. */
  readonly sentAt: readonly number[];
  /** Failed attempts in a row (0 after a success). */
  readonly failures: number;
  readonly lastAttemptAt: number | null;
}

/** Pure: the wait after `failures` failed attempts in a row (doubling, capped). */
export function backoffMs(failures: number, policy: DeliveryPolicy): number {
  if (failures <= 0) return 0;
  return Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * Pure: the earliest time the next batch may go to a receiver: after the back-off of a failing
 * receiver, `minIntervalMs` after the last delivery, and within `maxPerHour` a rolling hour.
 */
export function nextSendAt(pace: Pace, now: number, policy: DeliveryPolicy): number {
  let at = now;
  if (pace.failures > 0 && pace.lastAttemptAt !== null)
    at = Math.max(at, pace.lastAttemptAt + backoffMs(pace.failures, policy));
  const last = pace.sentAt.at(-1);
  if (last !== undefined) at = Math.max(at, last + policy.minIntervalMs);
  const recent = pace.sentAt.filter((t) => t > now - HOUR_MS);
  if (recent.length >= policy.maxPerHour) {
    const freed = recent[recent.length - policy.maxPerHour];
    if (freed !== undefined) at = Math.max(at, freed + HOUR_MS);
  }
  return at;
}

/** Pure: the pace after an attempt. */
export function afterAttempt(pace: Pace, options: { at: number; ok: boolean }): Pace {
  const { at, ok } = options;
  return {
    sentAt: ok ? [...pace.sentAt.filter((t) => t > at - HOUR_MS), at] : pace.sentAt,
    failures: ok ? 0 : pace.failures + 1,
    lastAttemptAt: at,
  };
}
