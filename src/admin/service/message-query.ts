import { EngineError } from '../../core/errors.js';
import { MessageStatus, type MessageFilter } from '../../core/store-types.js';
import { textTerms } from '../../store/filter-sql.js';
import { hashSearchValue } from '../../store/search-keys.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** The search form / query string as typed by a person (all text, all optional). */
export interface MessageQuery {
  channel?: string;
  status?: string;
  type?: string;
  controlId?: string;
  ubrn?: string;
  nhsNumber?: string;
  /** A dropped file's name, and with it one row (CSV) or message number (batch, XML). */
  file?: string;
  row?: string;
  /** Received at or after / before: ISO 8601, epoch ms, or an age such as `24h`, `7d`. */
  since?: string;
  until?: string;
  /** Older spellings of since and until, still accepted. */
  from?: string;
  to?: string;
  /** Words that must all occur in the body (readers of bodies only; audited). */
  text?: string;
  /** A saved filter's name: its fields, under any given here. */
  filter?: string;
  before?: string;
  limit?: string;
}

export const QUERY_KEYS = [
  'channel',
  'status',
  'type',
  'controlId',
  'ubrn',
  'nhsNumber',
  'file',
  'row',
  'since',
  'until',
  'from',
  'to',
  'text',
  'filter',
  'before',
  'limit',
] as const;

/** Picks the known string fields from a query string or form body. */
export function readMessageQuery(source: unknown): MessageQuery {
  const out: MessageQuery = {};
  const record = (source ?? {}) as Record<string, unknown>;
  for (const key of QUERY_KEYS) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  }
  return out;
}

/**
 * The NHS number is searched by its hash only (`searchKeys.nhsNumberHash`, sha256 hex of the
 * 10 digits), so neither the store nor a log ever holds it in clear.
 */
export function nhsNumberHash(input: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'An NHS number has 10 digits.', { at: 'nhsNumber' });
  }
  return hashSearchValue(digits);
}

const AGE_UNITS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A time as ISO 8601, epoch ms, or an age before `now` (`90m`, `24h`, `7d`, `2w`). */
function parseTime(value: string, field: string, now: number): number {
  const age = /^(\d+)\s*([mhdw])$/i.exec(value);
  if (age !== null) return now - Number(age[1]) * (AGE_UNITS[(age[2] ?? 'h').toLowerCase()] ?? 0);
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      `"${value}" is not a date and time. Use ISO 8601, epoch ms, or an age such as 24h or 7d.`,
      { at: field },
    );
  }
  return ms;
}

function parsePositive(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new EngineError('ADMIN_BAD_REQUEST', `${field} must be a whole number above 0.`, {
      at: field,
    });
  }
  return n;
}

function parseStatuses(value: string): MessageStatus[] {
  return value.split(',').map((s) => {
    const status = s.trim().toUpperCase();
    if (!Object.hasOwn(MessageStatus, status)) {
      throw new EngineError('ADMIN_BAD_REQUEST', `Unknown status "${s}".`, { at: 'status' });
    }
    return status as MessageStatus;
  });
}

/** Turns what a person typed into a store filter; throws ADMIN_BAD_REQUEST naming the field. */
export function toMessageFilter(query: MessageQuery, now: number = Date.now()): MessageFilter {
  if (query.ubrn !== undefined && query.nhsNumber !== undefined) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Search by UBRN or by NHS number, not both.', {
      at: 'ubrn',
    });
  }
  if (query.row !== undefined && query.file === undefined) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'A row is searched within a file: give the file.', {
      at: 'row',
    });
  }
  const filter: MessageFilter = {
    limit: Math.min(
      query.limit === undefined ? DEFAULT_PAGE_SIZE : parsePositive(query.limit, 'limit'),
      MAX_PAGE_SIZE,
    ),
  };
  if (query.channel !== undefined) filter.channel = query.channel;
  if (query.status !== undefined) filter.status = parseStatuses(query.status);
  if (query.type !== undefined) filter.messageType = query.type;
  if (query.controlId !== undefined) filter.controlId = query.controlId;
  if (query.ubrn !== undefined)
    filter.searchKey = { name: 'ubrn', value: query.ubrn.replace(/\s/g, '') };
  if (query.nhsNumber !== undefined)
    filter.searchKey = { name: 'nhsNumberHash', value: nhsNumberHash(query.nhsNumber) };
  if (query.file !== undefined) filter.file = query.file;
  if (query.row !== undefined) filter.fileRow = parsePositive(query.row, 'row');
  const since = query.since ?? query.from;
  const until = query.until ?? query.to;
  if (since !== undefined)
    filter.receivedFrom = parseTime(since, query.since ? 'since' : 'from', now);
  if (until !== undefined) filter.receivedTo = parseTime(until, query.until ? 'until' : 'to', now);
  if (query.text !== undefined) {
    if (textTerms(query.text).length === 0)
      throw new EngineError('ADMIN_BAD_REQUEST', 'Free text needs at least one word or number.', {
        at: 'text',
      });
    filter.text = query.text;
  }
  if (query.before !== undefined) filter.beforeId = parsePositive(query.before, 'before');
  return filter;
}

/** The query without paging, e.g. to carry a filter into "reprocess all of these". */
export function withoutPaging(query: MessageQuery): MessageQuery {
  const { before: _before, limit: _limit, ...rest } = query;
  return rest;
}

/**
 * Describes a query for the audit log without patient data: the NHS number is never kept, and
 * free text (often a name) only as its search hash, which confirms a suspected search without
 * making the audit log an index of names.
 */
export function auditableQuery(query: MessageQuery): Record<string, string> {
  const { nhsNumber, text, ...rest } = query;
  return {
    ...rest,
    ...(nhsNumber === undefined ? {} : { nhsNumber: '(hashed)' }),
    ...(text === undefined ? {} : { textHash: hashSearchValue(textTerms(text).join(' ')) }),
  };
}
