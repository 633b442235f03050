/**
 * The write statements of the PostgreSQL store, each run inside a caller's transaction. Appends
 * of a group commit go in as one multi-row INSERT (three round trips for any batch size), and a
 * status change with its event is one statement, so a batch costs few round trips.
 */
import type pg from 'pg';
import { patchAssignments, rowToMessage, type MessageRow } from '../rows.js';
import type { AppendResult, NewMessage, Transition } from '../types.js';

type Db = Pick<pg.ClientBase, 'query'>;

const INSERT = `
  INSERT INTO messages (id, channel, sender, control_id, content_type, raw, ordering_key,
    message_type, source_meta, search_keys, status, received_at, updated_at, next_attempt_at)
  SELECT t.*, 'RECEIVED', $11::bigint, $11::bigint, 0
  FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[],
    $7::text[], $8::text[], $9::text[], $10::text[]) AS t
  ON CONFLICT DO NOTHING RETURNING id`;

/**
 * Inserts messages in arrival order; a (channel, sender, control id) already stored (by any
 * instance, or earlier in this batch) is answered with the first message instead. Ids are taken
 * from the sequence first so each input knows its id whatever RETURNING's order.
 */
export async function insertMessages(
  db: Db,
  messages: readonly NewMessage[],
  now: number,
): Promise<AppendResult[]> {
  if (messages.length === 0) return [];
  const seq = await db.query<{ id: string }>(
    "SELECT nextval(pg_get_serial_sequence('messages', 'id'))::text AS id FROM generate_series(1, $1)",
    [messages.length],
  );
  const ids = seq.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  const col = <T>(f: (m: NewMessage) => T): T[] => messages.map(f);
  const inserted = await db.query<{ id: string }>(INSERT, [
    ids,
    col((m) => m.channel),
    col((m) => m.sender),
    col((m) => m.controlId ?? null),
    col((m) => m.contentType),
    col((m) => m.raw),
    col((m) => m.orderingKey ?? null),
    col((m) => m.messageType ?? null),
    col((m) => JSON.stringify(m.sourceMeta ?? {})),
    col((m) => JSON.stringify(m.searchKeys ?? {})),
    now,
  ]);
  const stored = new Set(inserted.rows.map((r) => Number(r.id)));
  const results: AppendResult[] = [];
  const search: [string, string, number][] = [];
  for (const [i, m] of messages.entries()) {
    const id = ids[i] as number;
    if (stored.has(id)) {
      results.push({ id });
      for (const [name, value] of Object.entries(m.searchKeys ?? {}))
        search.push([name, value, id]);
    } else {
      results.push(await firstOf(db, m));
    }
  }
  await insertSearchKeys(db, search);
  return results;
}

async function firstOf(db: Db, m: NewMessage): Promise<AppendResult> {
  const row = await db.query<MessageRow>(
    'SELECT * FROM messages WHERE channel = $1 AND sender = $2 AND control_id = $3',
    [m.channel, m.sender, m.controlId],
  );
  const first = row.rows[0];
  if (first === undefined) throw new Error('a conflicting insert left no first message');
  return { id: Number(first.id), duplicateOf: rowToMessage(first) };
}

export async function insertSearchKeys(
  db: Db,
  keys: readonly (readonly [string, string, number])[],
): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `INSERT INTO message_search (name, value, message_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) ON CONFLICT DO NOTHING`,
    [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
  );
}

/** One status change and its event in one statement; false if the lease was lost. */
export async function applyTransition(
  db: Db,
  id: number,
  t: Transition,
  now: number,
): Promise<boolean> {
  const assignments = patchAssignments({ ...t.patch });
  const params: unknown[] = [t.to, now, t.stage, t.actor, JSON.stringify(t.detail ?? {}), id];
  const sets = ['status = $1', 'updated_at = $2'];
  for (const a of assignments) {
    params.push(a.value);
    sets.push(`${a.column} = $${params.length}`);
  }
  if (t.keepLease !== true) sets.push('lease_owner = NULL', 'lease_until = NULL');
  let where = 'id = $6';
  if (t.leaseOwner !== undefined) {
    params.push(t.leaseOwner);
    where += ` AND lease_owner = $${params.length}`;
  }
  const result = await db.query(
    `WITH changed AS (UPDATE messages SET ${sets.join(', ')} WHERE ${where} RETURNING id)
     INSERT INTO events (message_id, at, status, stage, actor, detail)
     SELECT id, $2, $1, $3, $4, $5 FROM changed`,
    params,
  );
  if (result.rowCount === 0) return false;
  const keys = Object.entries(t.patch?.searchKeys ?? {}).map(([n, v]) => [n, v, id] as const);
  await insertSearchKeys(db, keys);
  return true;
}
