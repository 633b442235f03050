/**
 * The write statements of the PostgreSQL store. A group commit's appends go in as ONE statement
 * (multi-row INSERT with its search keys), and its status changes with their events as ONE more
 * (an UPDATE … FROM a JSON recordset): round trips, not rows, are what a batch costs on a busy
 * machine (measured: one statement per transition gave ~28 ms per transition under load).
 */
import type pg from 'pg';
import { PATCH_COLUMNS, patchAssignments, rowToMessage, type MessageRow } from '../rows.js';
import type { AppendResult, NewMessage, Transition } from '../types.js';

type Db = Pick<pg.ClientBase, 'query'>;

const INSERT = `
  WITH input AS (
    SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id, t.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[],
      $7::text[], $8::text[], $9::text[]) WITH ORDINALITY
      AS t(channel, sender, control_id, content_type, raw, ordering_key, message_type,
        source_meta, search_keys, ord)),
  ins AS (
    INSERT INTO messages (id, channel, sender, control_id, content_type, raw, ordering_key,
      message_type, source_meta, search_keys, status, received_at, updated_at, next_attempt_at)
    SELECT id, channel, sender, control_id, content_type, raw, ordering_key, message_type,
      source_meta, search_keys, 'RECEIVED', $10::bigint, $10::bigint, 0 FROM input ORDER BY ord
    ON CONFLICT DO NOTHING RETURNING id),
  keys AS (
    INSERT INTO message_search (name, value, message_id)
    SELECT k.key, k.value, i.id FROM input i JOIN ins USING (id),
      jsonb_each_text(i.search_keys::jsonb) k
    ON CONFLICT DO NOTHING)
  SELECT input.ord, input.id::text AS id, ins.id IS NOT NULL AS inserted
  FROM input LEFT JOIN ins USING (id) ORDER BY input.ord`;

/**
 * Inserts messages in arrival order; a (channel, sender, control id) already stored (by any
 * instance, or earlier in this batch) is answered with the first message instead.
 */
export async function insertMessages(
  db: Db,
  messages: readonly NewMessage[],
  now: number,
): Promise<AppendResult[]> {
  if (messages.length === 0) return [];
  const col = <T>(f: (m: NewMessage) => T): T[] => messages.map(f);
  const { rows } = await db.query<{ id: string; inserted: boolean }>(INSERT, [
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
  const duplicates = messages.filter((_, i) => rows[i]?.inserted !== true);
  const firsts = await firstOf(db, duplicates);
  return messages.map((m, i) => {
    if (rows[i]?.inserted === true) return { id: Number(rows[i].id) };
    const first = firsts.get(dedupKey(m));
    if (first === undefined) throw new Error('a conflicting insert left no first message');
    return { id: first.id, duplicateOf: first };
  });
}

const dedupKey = (m: { channel: string; sender: string; controlId?: string | null }): string =>
  JSON.stringify([m.channel, m.sender, m.controlId]);

async function firstOf(db: Db, messages: readonly NewMessage[]) {
  const out = new Map<string, ReturnType<typeof rowToMessage>>();
  if (messages.length === 0) return out;
  const { rows } = await db.query<MessageRow>(
    `SELECT m.* FROM messages m
     JOIN unnest($1::text[], $2::text[], $3::text[]) AS d(channel, sender, control_id)
       ON m.channel = d.channel AND m.sender = d.sender AND m.control_id = d.control_id`,
    [
      messages.map((m) => m.channel),
      messages.map((m) => m.sender),
      messages.map((m) => m.controlId),
    ],
  );
  for (const row of rows) {
    const m = rowToMessage(row);
    out.set(dedupKey(m), m);
  }
  return out;
}

/** Every column a patch can set (error also sets error_code), with its SQL type. */
const PATCHABLE: readonly (readonly [string, string])[] = [
  ...Object.values(PATCH_COLUMNS).map(
    (c) =>
      [
        c.column,
        c.column === 'attempts' ? 'integer' : c.column === 'next_attempt_at' ? 'bigint' : 'text',
      ] as const,
  ),
  ['error_code', 'text'],
];

const TRANSITIONS = `
  WITH x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i integer, id bigint, status text,
      stage text, actor text, detail text, keep_lease boolean, owner text,
      ${PATCHABLE.map(([c, type]) => `s_${c} boolean, v_${c} ${type}`).join(', ')})),
  changed AS (
    UPDATE messages m SET status = x.status, updated_at = $2,
      ${PATCHABLE.map(([c]) => `${c} = CASE WHEN x.s_${c} THEN x.v_${c} ELSE m.${c} END`).join(',\n      ')},
      lease_owner = CASE WHEN x.keep_lease THEN m.lease_owner END,
      lease_until = CASE WHEN x.keep_lease THEN m.lease_until END
    FROM x WHERE m.id = x.id AND (x.owner IS NULL OR m.lease_owner = x.owner)
    RETURNING m.id),
  events AS (
    INSERT INTO events (message_id, at, status, stage, actor, detail)
    SELECT x.id, $2, x.status, x.stage, x.actor, x.detail FROM x JOIN changed USING (id)
    ORDER BY x.i),
  keys AS (
    INSERT INTO message_search (name, value, message_id)
    SELECT k.key, k.value, x.id FROM x JOIN changed USING (id),
      jsonb_each_text(x.v_search_keys::jsonb) k
    WHERE x.s_search_keys AND x.v_search_keys IS NOT NULL
    ON CONFLICT DO NOTHING)
  SELECT id::text AS id FROM changed`;

/** Pure: one transition as a record of the TRANSITIONS recordset. */
function transitionRecord(i: number, id: number, t: Transition): Record<string, unknown> {
  const record: Record<string, unknown> = {
    i,
    id,
    status: t.to,
    stage: t.stage,
    actor: t.actor,
    detail: JSON.stringify(t.detail ?? {}),
    keep_lease: t.keepLease === true,
    owner: t.leaseOwner ?? null,
  };
  for (const a of patchAssignments({ ...t.patch })) {
    record[`s_${a.column}`] = true;
    record[`v_${a.column}`] = a.value;
  }
  return record;
}

/**
 * Applies status changes, each with its event, in order; false where the lease was lost. A
 * message changed twice in one batch takes two rounds, so its changes apply in order.
 */
export async function applyTransitions(
  db: Db,
  items: readonly { readonly id: number; readonly t: Transition }[],
  now: number,
): Promise<boolean[]> {
  const results: boolean[] = new Array<boolean>(items.length).fill(false);
  let pending = items.map((item, i) => ({ ...item, i }));
  while (pending.length > 0) {
    const seen = new Set<number>();
    const round = pending.filter((p) => !seen.has(p.id) && seen.add(p.id));
    pending = pending.filter((p) => !round.includes(p));
    const records = round.map((p) => transitionRecord(p.i, p.id, p.t));
    const { rows } = await db.query<{ id: string }>(TRANSITIONS, [JSON.stringify(records), now]);
    const changed = new Set(rows.map((r) => Number(r.id)));
    for (const p of round) results[p.i] = changed.has(p.id);
  }
  return results;
}
