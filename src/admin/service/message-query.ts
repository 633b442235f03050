import { EngineError } from '../../core/errors.js';
import { MessageStatus, type MessageFilter } from '../../core/store-types.js';
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
  from?: string;
  to?: string;
  before?: string;
  limit?: string;
}

const QUERY_KEYS = [
  'channel',
  'status',
  'type',
  'controlId',
  'ubrn',
  'nhsNumber',
  'from',
  'to',
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

function parseTime(value: string, field: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new EngineError('ADMIN_BAD_REQUEST', `"${value}" is not a date and time.`, { at: field });
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
export function toMessageFilter(query: MessageQuery): MessageFilter {
  if (query.ubrn !== undefined && query.nhsNumber !== undefined) {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Search by UBRN or by NHS number, not both.', {
      at: 'ubrn',
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
  if (query.from !== undefined) filter.receivedFrom = parseTime(query.from, 'from');
  if (query.to !== undefined) filter.receivedTo = parseTime(query.to, 'to');
  if (query.before !== undefined) filter.beforeId = parsePositive(query.before, 'before');
  return filter;
}

/** The query without paging, e.g. to carry a filter into "reprocess all of these". */
export function withoutPaging(query: MessageQuery): MessageQuery {
  const { before: _before, limit: _limit, ...rest } = query;
  return rest;
}

/** Describes a query for the audit log without patient data (the NHS number is never kept). */
export function auditableQuery(query: MessageQuery): Record<string, string> {
  const { nhsNumber, ...rest } = query;
  return nhsNumber === undefined ? { ...rest } : { ...rest, nhsNumber: '(hashed)' };
}
