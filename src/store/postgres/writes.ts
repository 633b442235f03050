/**
 * The write statements of the PostgreSQL store. A group commit's appends go in as ONE statement
 * (multi-row INSERT with its search keys), and its status changes with their events as ONE more
 * (an UPDATE … FROM a JSON recordset): round trips, not rows, are what a batch costs on a busy
 * machine (measured: one statement per transition gave ~28 ms per transition under load).
 */
import type pg from 'pg';
import { contentHashOf, reuseError, reuseRefused } from '../dedup.js';
import { PATCH_COLUMNS, patchAssignments, rowToMessage, toJson, type MessageRow } from '../rows.js';
import { learnedSearchKeys } from '../search-keys.js';
import type {
  AppendResult,
  ErsAuditEntry,
  NewMessage,
  Transition,
} from '../../core/store-types.js';

type Db = Pick<pg.ClientBase, 'query'>;

/**
 * One statement: the batch's rows, each told whether its control id was used before with other
 * content (`reused_of`: the first such message, stored or earlier in this batch), inserted unless
 * the same (channel, sender, control id, content hash) exists; reuse events and search keys go in
 * with them. A refused reuse is inserted as ERROR straight away, so no worker can claim it first.
 */
const INSERT = `
  WITH batch AS (
    SELECT nextval(pg_get_serial_sequence('messages', 'id')) AS id, t.*
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[],
      $7::text[], $8::text[], $9::text[], $11::text[], $12::boolean[], $13::text[])
      WITH ORDINALITY
      AS t(channel, sender, control_id, content_type, raw, ordering_key, message_type,
        source_meta, search_keys, content_hash, refuse, refusal, ord)),
  input AS (
    SELECT b.*, COALESCE(
      (SELECT MIN(m.id) FROM messages m WHERE m.channel = b.channel AND m.sender = b.sender
         AND m.control_id = b.control_id AND m.content_hash IS DISTINCT FROM b.content_hash),
      (SELECT MIN(o.id) FROM batch o WHERE o.ord < b.ord AND o.channel = b.channel
         AND o.sender = b.sender AND o.control_id = b.control_id
         AND o.content_hash <> b.content_hash)) AS reused_of
    FROM batch b),
  ins AS (
    INSERT INTO messages (id, channel, sender, control_id, content_type, raw, ordering_key,
      message_type, source_meta, search_keys, status, received_at, updated_at, next_attempt_at,
      content_hash, error, error_code)
    SELECT id, channel, sender, control_id, content_type, raw, ordering_key, message_type,
      source_meta, search_keys,
      CASE WHEN reused_of IS NOT NULL AND refuse THEN 'ERROR' ELSE 'RECEIVED' END,
      $10::bigint, $10::bigint, 0, content_hash,
      CASE WHEN reused_of IS NOT NULL AND refuse
        THEN replace(refusal, '"firstId":0', '"firstId":' || reused_of) END,
      CASE WHEN reused_of IS NOT NULL AND refuse THEN 'CONTROL_ID_REUSED' END
    FROM input ORDER BY ord
    ON CONFLICT DO NOTHING RETURNING id),
  reuse AS (
    INSERT INTO events (message_id, at, status, stage, actor, detail)
    SELECT i.id, $10::bigint, CASE WHEN i.refuse THEN 'ERROR' ELSE 'RECEIVED' END, 'source',
      'source:' || i.channel,
      json_build_object('warning', 'CONTROL_ID_REUSED', 'firstId', i.reused_of,
        'refused', i.refuse)::text
    FROM input i JOIN ins USING (id) WHERE i.reused_of IS NOT NULL ORDER BY i.ord),
  keys AS (
    INSERT INTO message_search (name, value, message_id)
    SELECT k.key, k.value, i.id FROM input i JOIN ins USING (id),
      jsonb_each_text(i.search_keys::jsonb) k
    ON CONFLICT DO NOTHING)
  SELECT input.ord, input.id::text AS id, ins.id IS NOT NULL AS inserted,
    input.reused_of::text AS reused_of, input.refuse
  FROM input LEFT JOIN ins USING (id) ORDER BY input.ord`;

/**
 * Inserts messages in arrival order; a (channel, sender, control id, content hash) already
 * stored (by any instance, or earlier in this batch) is answered with the first message instead.
 */
export async function insertMessages(
  db: Db,
  messages: readonly NewMessage[],
  now: number,
): Promise<AppendResult[]> {
  if (messages.length === 0) return [];
  const col = <T>(f: (m: NewMessage) => T): T[] => messages.map(f);
  const hashes = col(contentHashOf);
  const { rows } = await db.query<{
    id: string;
    inserted: boolean;
    reused_of: string | null;
    refuse: boolean;
  }>(INSERT, [
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
    hashes,
    col(reuseRefused),
    // The first id is only known in SQL: a placeholder 0 there is replaced by it.
    col(() => JSON.stringify(reuseError(0))),
  ]);
  const keyed = messages.map((m, i) => ({ ...m, contentHash: hashes[i] }));
  const duplicates = keyed.filter((_, i) => rows[i]?.inserted !== true);
  const firsts = await firstOf(db, duplicates);
  return keyed.map((m, i) => {
    const row = rows[i];
    if (row?.inserted === true) {
      if (row.reused_of === null) return { id: Number(row.id) };
      return {
        id: Number(row.id),
        controlIdReused: { firstId: Number(row.reused_of), refused: row.refuse },
      };
    }
    const first = firsts.get(dedupKey(m));
    if (first === undefined) throw new Error('a conflicting insert left no first message');
    return { id: first.id, duplicateOf: first };
  });
}

const dedupKey = (m: {
  channel: string;
  sender: string;
  controlId?: string | null | undefined;
  contentHash?: string | null | undefined;
}): string => JSON.stringify([m.channel, m.sender, m.controlId, m.contentHash]);

async function firstOf(db: Db, messages: readonly NewMessage[]) {
  const out = new Map<string, ReturnType<typeof rowToMessage>>();
  if (messages.length === 0) return out;
  const { rows } = await db.query<MessageRow & { content_hash: string | null }>(
    `SELECT m.* FROM messages m
     JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[])
       AS d(channel, sender, control_id, content_hash)
       ON m.channel = d.channel AND m.sender = d.sender AND m.control_id = d.control_id
         AND m.content_hash = d.content_hash`,
    [
      messages.map((m) => m.channel),
      messages.map((m) => m.sender),
      messages.map((m) => m.controlId),
      messages.map((m) => m.contentHash),
    ],
  );
  for (const row of rows) {
    out.set(dedupKey({ ...rowToMessage(row), contentHash: row.content_hash }), rowToMessage(row));
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
      stage text, actor text, detail text, keep_lease boolean, owner text, attempt_records text,
      search_rows text,
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
  attempts AS (
    INSERT INTO message_attempts (message_id, at, attempt, destination, outcome, request,
      response, error)
    SELECT x.id, $2, a.attempt, a.destination, a.outcome, a.request, a.response, a.error
    FROM x JOIN changed USING (id),
      jsonb_to_recordset(x.attempt_records::jsonb) AS a(n integer, attempt integer,
        destination text, outcome text, request text, response text, error text)
    WHERE x.attempt_records IS NOT NULL ORDER BY x.i, a.n),
  keys AS (
    INSERT INTO message_search (name, value, message_id)
    SELECT k ->> 0, k ->> 1, x.id FROM x JOIN changed USING (id),
      jsonb_array_elements(x.search_rows::jsonb) k
    WHERE x.search_rows IS NOT NULL
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
    attempt_records:
      t.patch?.attemptRecords === undefined
        ? null
        : JSON.stringify(
            t.patch.attemptRecords.map((r, n) => ({
              n,
              attempt: r.attempt,
              destination: r.destination,
              outcome: r.outcome,
              request: toJson(r.request),
              response: toJson(r.response),
              error: toJson(r.error),
            })),
          ),
  };
  const searchRows = learnedSearchKeys(t.patch);
  if (searchRows.length > 0) record['search_rows'] = JSON.stringify(searchRows);
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

/** e-RS audit rows that ride a transition (decision 180): one statement for the whole batch. */
export async function insertErsAudit(
  db: Db,
  rows: readonly Omit<ErsAuditEntry, 'id'>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO ers_audit (at, endpoint, detail)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
    [rows.map((r) => r.at), rows.map((r) => r.endpoint), rows.map((r) => JSON.stringify(r.detail))],
  );
}
