import type pg from 'pg';

/**
 * Takes the next slot of the shared e-RS quota line (decision 205) and says how many
 * milliseconds from now it is. One statement: the row lock makes instances take slots one after
 * another, each `interval` after the one before. Times are the database's clock
 * (`clock_timestamp()`), never the instance's: instances' clocks differ, and a slot line kept in
 * several clocks would let two instances go together. The caller waits the returned difference
 * on its own clock, so only the difference crosses machines.
 */
const TAKE_SLOT = `
  UPDATE ers_quota q SET next_at = GREATEST(q.next_at, c.now) + $2
  FROM (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now) c
  WHERE q.name = $1
  RETURNING (q.next_at - $2 - c.now)::float8 AS wait`;

export async function takeQuotaSlot(
  pool: pg.Pool,
  name: string,
  intervalMs: number,
): Promise<number> {
  const { rows } = await pool.query<{ wait: number }>(TAKE_SLOT, [name, intervalMs]);
  const row = rows[0];
  // Migration 5 inserts the line's row: a missing one is a damaged schema, not a quiet no-wait.
  if (row === undefined) throw new Error(`the e-RS quota line "${name}" has no row in ers_quota`);
  return Math.max(0, row.wait);
}
