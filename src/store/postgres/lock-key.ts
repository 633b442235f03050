import { createHash } from 'node:crypto';

/**
 * Every advisory lock ers-bridge takes uses PostgreSQL's two-int form: this namespace ("ERSB")
 * as the first key, so our locks never collide with another application's on the same database.
 */
export const LOCK_NAMESPACE = 0x45525342;

/** Pure: the second advisory-lock key for a lock name (first 4 bytes of its SHA-256, signed). */
export function lockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}
