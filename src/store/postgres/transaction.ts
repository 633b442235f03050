import type pg from 'pg';
import { EngineError } from '../../core/errors.js';

/** SQLSTATEs after which the whole transaction can simply run again. */
const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const ATTEMPTS = 3;

/**
 * Runs `work` in one transaction on a pooled connection and resolves only after COMMIT returns,
 * so callers may acknowledge (invariant 1). Two instances inserting the same control ids in
 * different orders can deadlock: PostgreSQL aborts one, and it is run again. Any other failure
 * means nothing was stored: it becomes STORE_UNAVAILABLE and the caller must not acknowledge.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  /** false when `work` is a single statement: it is atomic alone, and BEGIN/COMMIT cost two round trips. */
  transaction = true,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      if (transaction) await client.query('BEGIN');
      const result = await work(client);
      if (transaction) await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      if (client !== undefined) {
        const rollback = transaction ? client.query('ROLLBACK') : Promise.resolve();
        const broken = await rollback.then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        client.release(broken);
      }
      const code = (error as { code?: string }).code;
      if (code !== undefined && RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
      throw storeError(error);
    }
  }
}

export function storeError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError('STORE_UNAVAILABLE', `store write failed: ${(error as Error).message}`, {
    cause: error,
  });
}
