import { contentHashOf, reuseRefused } from '../dedup.js';
import { orderingIdOf } from '../ordering-id.js';
import type { AppendResult, NewMessage, StoredMessage } from '../../core/store-types.js';
import { type MessageRow, rowToMessage } from '../rows.js';
import { asBuffer, type AppendRowResult } from './writes.js';

/**
 * An append as the writer binds it. Made on the calling thread (`toAppendRow`), so the writer
 * thread — whose time every ACK in a group commit waits for in turn — only binds and inserts:
 * the SHA-256 of the body, the JSON of `sourceMeta` and `searchKeys` and the search rows are
 * worked out by the thread that received the message, in parallel with the writer's commit
 * (decision 190). Strings also cross the thread boundary cheaper than the objects they came from.
 */
export interface AppendRow {
  readonly channel: string;
  readonly sender: string;
  readonly controlId: string | null;
  readonly contentType: string;
  /** A Buffer here; a Uint8Array view after crossing to the writer thread (`asBuffer`). */
  readonly raw: Uint8Array;
  readonly orderingKey: string | null;
  /** `orderingIdOf(orderingKey)`: what the claim's per-key index holds (decision 220). */
  readonly orderingId: bigint | null;
  readonly messageType: string | null;
  /** `JSON.stringify(sourceMeta ?? {})`. */
  readonly sourceMeta: string;
  /** `JSON.stringify(searchKeys ?? {})`. */
  readonly searchKeys: string;
  /** The search rows (`message_search`): name and value, in turn. */
  readonly keys: readonly string[];
  /** The dedup key's content half (`contentHashOf`). */
  readonly contentHash: string;
  /** The channel refuses a reused control id (`onControlIdReuse: refuse`). */
  readonly refuseReuse: boolean;
}

/** Pure: what the writer needs of a new message, every derived value computed here. */
export function toAppendRow(m: NewMessage): AppendRow {
  const keys: string[] = [];
  for (const [name, value] of Object.entries(m.searchKeys ?? {})) keys.push(name, value);
  return {
    channel: m.channel,
    sender: m.sender,
    controlId: m.controlId ?? null,
    contentType: m.contentType,
    raw: m.raw,
    orderingKey: m.orderingKey ?? null,
    orderingId: m.orderingKey === undefined ? null : orderingIdOf(m.orderingKey),
    messageType: m.messageType ?? null,
    sourceMeta: JSON.stringify(m.sourceMeta ?? {}),
    searchKeys: JSON.stringify(m.searchKeys ?? {}),
    keys,
    contentHash: contentHashOf(m),
    refuseReuse: reuseRefused(m),
  };
}

/** Rows from the writer thread carry the body as a Uint8Array; the contract promises a Buffer. */
export function fromThread(row: MessageRow): StoredMessage {
  return rowToMessage(row.raw === null ? row : { ...row, raw: asBuffer(row.raw) });
}

export function toAppendResult(r: AppendRowResult): AppendResult {
  if (r.duplicateRow !== undefined) return { id: r.id, duplicateOf: fromThread(r.duplicateRow) };
  return r.controlIdReused === undefined
    ? { id: r.id }
    : { id: r.id, controlIdReused: r.controlIdReused };
}
