import type { SerializedError } from '../core/errors.js';
import type {
  AttemptRecord,
  MappingVersion,
  MessageEvent,
  MessageStatus,
  MessageSummary,
  StoredMessage,
} from '../core/store-types.js';

/** Column values as both SQL stores return them (JSON kept as text, times as epoch ms). */
export interface MessageRow {
  id: number | string;
  channel: string;
  sender: string;
  control_id: string | null;
  content_type: string;
  raw: Buffer | null;
  ordering_key: string | null;
  message_type: string | null;
  source_meta: string | null;
  search_keys: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number | string;
  mapping_hash: string | null;
  mapped_input: string | null;
  destination_results: string | null;
  in_flight_destination?: string | null;
  outbound_request: string | null;
  outbound_response: string | null;
  reply: string | null;
  error: string | null;
  error_code?: string | null;
  lease_owner: string | null;
  lease_until: number | string | null;
  received_at: number | string;
  updated_at: number | string;
  pruned_at: number | string | null;
}

export function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}

export const toJson = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: number | string | null): number | null => (v === null ? null : num(v));

export function rowToMessage(row: MessageRow): StoredMessage {
  return {
    id: num(row.id),
    channel: row.channel,
    sender: row.sender,
    controlId: row.control_id,
    contentType: row.content_type,
    raw: row.raw,
    orderingKey: row.ordering_key,
    messageType: row.message_type,
    sourceMeta: parseJson(row.source_meta, {}),
    searchKeys: parseJson(row.search_keys, {}),
    status: row.status as MessageStatus,
    attempts: row.attempts,
    nextAttemptAt: num(row.next_attempt_at),
    mappingHash: row.mapping_hash,
    mappedInput: parseJson<unknown>(row.mapped_input, null),
    destinationResults: parseJson(row.destination_results, {}),
    inFlightDestination: row.in_flight_destination ?? null,
    outboundRequest: parseJson<unknown>(row.outbound_request, null),
    outboundResponse: parseJson<unknown>(row.outbound_response, null),
    reply: row.reply,
    error: parseJson<SerializedError | null>(row.error, null),
    leaseOwner: row.lease_owner,
    leaseUntil: numOrNull(row.lease_until),
    receivedAt: num(row.received_at),
    updatedAt: num(row.updated_at),
    prunedAt: numOrNull(row.pruned_at),
  };
}

export interface SummaryRow {
  id: number | string;
  channel: string;
  status: string;
  message_type: string | null;
  control_id: string | null;
  attempts: number;
  received_at: number | string;
  updated_at: number | string;
  error_code: string | null;
}

export function rowToSummary(row: SummaryRow): MessageSummary {
  return {
    id: num(row.id),
    channel: row.channel,
    status: row.status as MessageStatus,
    messageType: row.message_type,
    controlId: row.control_id,
    attempts: row.attempts,
    receivedAt: num(row.received_at),
    updatedAt: num(row.updated_at),
    errorCode: row.error_code,
  };
}

/** Maps a patch field to its column and how it is written; shared by both SQL stores. */
export const PATCH_COLUMNS = {
  attempts: { column: 'attempts', json: false },
  nextAttemptAt: { column: 'next_attempt_at', json: false },
  mappingHash: { column: 'mapping_hash', json: false },
  mappedInput: { column: 'mapped_input', json: true },
  destinationResults: { column: 'destination_results', json: true },
  inFlightDestination: { column: 'in_flight_destination', json: false },
  outboundRequest: { column: 'outbound_request', json: true },
  outboundResponse: { column: 'outbound_response', json: true },
  reply: { column: 'reply', json: false },
  error: { column: 'error', json: true },
  orderingKey: { column: 'ordering_key', json: false },
  searchKeys: { column: 'search_keys', json: true },
  sourceMeta: { column: 'source_meta', json: true },
} as const;

/** Column/value pairs for a patch, in a stable order. `error` also sets `error_code`. */
export function patchAssignments(
  patch: Record<string, unknown>,
): { column: string; value: unknown }[] {
  const out: { column: string; value: unknown }[] = [];
  for (const [key, spec] of Object.entries(PATCH_COLUMNS)) {
    if (!(key in patch)) continue;
    const value = patch[key];
    out.push({ column: spec.column, value: spec.json ? toJson(value) : (value ?? null) });
    if (key === 'error') {
      const code = (value as SerializedError | null | undefined)?.code ?? null;
      out.push({ column: 'error_code', value: code });
    }
  }
  return out;
}

/**
 * The RECEIVED event is not written as a row: it is exactly the message row's arrival, so it is
 * derived from it. That saves a second insert (and its index) on every durable append.
 */
export function receivedEvent(message: {
  id: number;
  channel: string;
  receivedAt: number;
}): MessageEvent {
  return {
    id: 0,
    messageId: message.id,
    at: message.receivedAt,
    status: 'RECEIVED',
    stage: 'source',
    actor: `source:${message.channel}`,
    detail: {},
  };
}

export interface AttemptRow {
  id: number | string;
  message_id: number | string;
  at: number | string;
  attempt: number;
  destination: string | null;
  outcome: string;
  request: string | null;
  response: string | null;
  error: string | null;
}

export function rowToAttempt(row: AttemptRow): AttemptRecord {
  return {
    id: num(row.id),
    messageId: num(row.message_id),
    at: num(row.at),
    attempt: row.attempt,
    destination: row.destination,
    outcome: row.outcome,
    request: parseJson<unknown>(row.request, null),
    response: parseJson<unknown>(row.response, null),
    error: parseJson<SerializedError | null>(row.error, null),
  };
}

/** A mapping_versions row as both stores return it (PostgreSQL BIGINTs arrive as strings). */
export interface MappingVersionRow {
  readonly hash: string;
  readonly mapping_id: string;
  readonly file: string;
  readonly text: string;
  readonly tables: string;
  readonly first_seen_at: number | string;
}

export function mappingVersionFromRow(row: MappingVersionRow): MappingVersion {
  return {
    hash: row.hash,
    mappingId: row.mapping_id,
    file: row.file,
    text: row.text,
    tables: parseJson(row.tables, {}),
    firstSeenAt: Number(row.first_seen_at),
  };
}
