import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Every advisory lock ers-bridge takes uses PostgreSQL's two-int form: this namespace ("ERSB")
 * as the first key, so our locks never collide with another application's on the same database.
 */
export const LOCK_NAMESPACE = 0x45525342;

/** Pure: the second advisory-lock key for a lock name (first 4 bytes of its SHA-256, signed). */
export function lockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

/**
 * Runs `fn` only if no other instance is running the same `lockName` (a session advisory lock,
 * held on one pooled connection for the duration); resolves false when another holds it.
 * The lock dies with its connection, so a killed instance never leaves it held.
 */
export async function runExclusive(
  pool: pg.Pool,
  lockName: string,
  fn: () => Promise<void>,
): Promise<boolean> {
  const client = await pool.connect();
  const keys = [LOCK_NAMESPACE, lockKey(lockName)];
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS ok',
      keys,
    );
    if (rows[0]?.ok !== true) return false;
    try {
      await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', keys).catch((e: unknown) => {
        broken = e as Error; // a connection that may still hold the lock must not be reused
      });
    }
    return true;
  } finally {
    client.release(broken);
  }
}
