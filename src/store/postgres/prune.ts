import type pg from 'pg';
import { UNRESOLVED_STATUSES, type PruneRequest } from '../../core/store-types.js';
import { sqlList } from '../filter-sql.js';
import { inTransaction } from './transaction.js';

/**
 * Drops the bodies of messages received before `olderThan` (and of their attempts), keeping
 * every row, status and event: what retention removes is patient data, never the history.
 * Unresolved messages keep theirs unless `includeUnresolved`.
 */
export function pruneBodies(pool: pg.Pool, request: PruneRequest): Promise<number> {
  const keepUnresolved =
    request.includeUnresolved === true ? '' : `AND status NOT IN (${sqlList(UNRESOLVED_STATUSES)})`;
  return inTransaction(pool, async (c) => {
    const result = await c.query(
      `UPDATE messages SET raw = NULL, mapped_input = NULL, outbound_request = NULL,
         outbound_response = NULL, destination_results = '{}', pruned_at = $1
       WHERE received_at < $2 AND pruned_at IS NULL ${keepUnresolved}`,
      [request.now, request.olderThan],
    );
    // The attempt history holds request and response bodies too.
    await c.query(
      `UPDATE message_attempts SET request = NULL, response = NULL WHERE message_id IN
         (SELECT id FROM messages WHERE pruned_at = $1)
         AND (request IS NOT NULL OR response IS NOT NULL)`,
      [request.now],
    );
    return result.rowCount ?? 0;
  });
}
