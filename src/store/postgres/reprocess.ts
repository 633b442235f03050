import type pg from 'pg';
import { decideReprocess } from '../reprocess-rules.js';
import { type MessageRow, rowToMessage } from '../rows.js';
import type { ReprocessRequest, ReprocessResult } from '../../core/store-types.js';
import { inTransaction } from './transaction.js';

/**
 * Puts a message back to RECEIVED unless the shared rules refuse (src/store/reprocess-rules.ts).
 * The row is locked (FOR UPDATE) while deciding, so an instance claiming it meanwhile waits and
 * then sees the new state.
 */
export function reprocessMessage(
  pool: pg.Pool,
  id: number,
  request: ReprocessRequest,
  now: number,
): Promise<ReprocessResult> {
  const force = request.force === true;
  return inTransaction(pool, async (c): Promise<ReprocessResult> => {
    const { rows } = await c.query<MessageRow>('SELECT * FROM messages WHERE id = $1 FOR UPDATE', [
      id,
    ]);
    if (rows[0] === undefined) return { ok: false, reason: 'not-found' };
    const m = rowToMessage(rows[0]);
    const decision = decideReprocess(m, { now, force });
    if (!decision.ok) return { ...decision, status: m.status };
    // A finished message is sent again from scratch (forced, for SENT); an unfinished one keeps
    // the results of destinations that already succeeded, so they are not repeated.
    await c.query(
      `UPDATE messages SET status = 'RECEIVED', attempts = 0, next_attempt_at = 0, error = NULL,
         error_code = NULL, in_flight_destination = NULL, lease_owner = NULL, lease_until = NULL,
         updated_at = $1 ${decision.fresh ? ", destination_results = '{}'" : ''} WHERE id = $2`,
      [now, id],
    );
    const detail = {
      from: m.status,
      fresh: decision.fresh,
      ...(decision.resend.length > 0 ? { resend: decision.resend, forced: force } : {}),
      ...(request.note === undefined ? {} : { note: request.note }),
    };
    await c.query(
      `INSERT INTO events (message_id, at, status, stage, actor, detail)
       VALUES ($1, $2, 'RECEIVED', 'reprocess', $3, $4)`,
      [id, now, request.actor, JSON.stringify(detail)],
    );
    return { ok: true, from: m.status, resend: decision.resend };
  });
}
