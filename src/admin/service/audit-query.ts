import { EngineError } from '../../core/errors.js';
import type { AuditEntry, MessageStore } from '../../core/store-types.js';

export const AUDIT_PAGE_SIZE = 50;
/**
 * Rows read from the store per page: the store filters the audit log by time only, so actor and
 * action are matched here over at most this many rows; a page that finds fewer matches still
 * moves the cursor past every row it read, so "Older" never loops and never skips a row.
 */
export const AUDIT_SCAN = 2000;

/** The audit page's filter as typed (all optional text). */
export interface AuditQuery {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  /** Cursor: `<id>.<at>` of the last row read, older rows come next. */
  before?: string;
}

const KEYS = ['actor', 'action', 'from', 'to', 'before'] as const;

export function readAuditQuery(source: unknown): AuditQuery {
  const record = (source ?? {}) as Record<string, unknown>;
  const out: AuditQuery = {};
  for (const key of KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/** A date (`2026-12-06`) means that whole day (UTC): "to" includes it. */
function parseDay(value: string, field: 'from' | 'to'): number {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw new EngineError('ADMIN_BAD_REQUEST', `"${value}" is not a date.`, { at: field });
  return field === 'to' && dayOnly ? ms + 86_400_000 : ms;
}

function parseCursor(value: string): { id: number; at: number } {
  const m = /^(\d+)\.(\d+)$/.exec(value);
  if (!m) throw new EngineError('ADMIN_BAD_REQUEST', 'Bad page cursor.', { at: 'before' });
  return { id: Number(m[1]), at: Number(m[2]) };
}

/** Pure: whether a row matches the typed actor (substring, any case) and action (prefix). */
export function auditMatches(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.actor && !entry.actor.toLowerCase().includes(query.actor.toLowerCase())) return false;
  if (query.action && !entry.action.startsWith(query.action)) return false;
  return true;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  /** Cursor of the next (older) page, or null at the end. */
  readonly next: string | null;
}

/** One page of the audit log, newest first. */
export async function readAuditPage(
  store: MessageStore,
  query: AuditQuery,
  pageSize = AUDIT_PAGE_SIZE,
): Promise<AuditPage> {
  const cursor = query.before ? parseCursor(query.before) : undefined;
  const from = query.from ? parseDay(query.from, 'from') : undefined;
  const typedTo = query.to ? parseDay(query.to, 'to') : undefined;
  // Rows of the cursor's millisecond may straddle pages: read from it, drop ids already shown.
  const to = cursor ? Math.min(cursor.at + 1, typedTo ?? Infinity) : typedTo;
  const rows = await store.listAudit({
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    limit: AUDIT_SCAN,
  });
  const unseen = cursor ? rows.filter((r) => r.id < cursor.id) : rows;
  const entries: AuditEntry[] = [];
  let last: AuditEntry | undefined;
  for (const row of unseen) {
    last = row;
    if (auditMatches(row, query)) entries.push(row);
    if (entries.length === pageSize) break;
  }
  const more = rows.length === AUDIT_SCAN || (last !== undefined && last !== unseen.at(-1));
  return { entries, next: more && last ? `${last.id}.${last.at}` : null };
}
