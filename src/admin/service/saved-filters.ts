import { EngineError } from '../../core/errors.js';
import type { MessageStore, SavedFilter } from '../../core/store-types.js';
import { QUERY_KEYS, toMessageFilter, type MessageQuery } from './message-query.js';

const NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;

/**
 * Pure: what a saved filter keeps of a query, checked as a search would be (a bad status or date
 * is refused when saving, not on every later use). Paging is not kept; an NHS number is refused:
 * saved filters are shared and listed, and the number is never stored in clear.
 */
export function savedQueryOf(name: string, query: MessageQuery): Record<string, string> {
  if (!NAME.test(name))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      'A filter name is 1-64 letters, digits, dots, dashes or underscores.',
      { at: 'name' },
    );
  const { before: _b, limit: _l, filter: _f, ...kept } = query;
  if (kept.nhsNumber !== undefined)
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      'A saved filter cannot hold an NHS number (it would be kept in clear): search for it directly.',
      { at: 'nhsNumber' },
    );
  if (Object.keys(kept).length === 0)
    throw new EngineError('ADMIN_BAD_REQUEST', 'Give at least one search field to save.');
  toMessageFilter(kept);
  return { ...kept };
}

/**
 * The query a search runs: a named saved filter's fields, with the fields given beside the name
 * taking precedence. Unknown names are an error, not an empty search.
 */
export async function withSavedFilter(
  store: Pick<MessageStore, 'listFilters'>,
  query: MessageQuery,
): Promise<MessageQuery> {
  const { filter: name, ...given } = query;
  if (name === undefined) return query;
  const saved = (await store.listFilters()).find((f) => f.name === name);
  if (saved === undefined)
    throw new EngineError('STORE_NOT_FOUND', `There is no saved filter "${name}".`, {
      at: 'filter',
    });
  const out: MessageQuery = {};
  for (const key of QUERY_KEYS) {
    const value = given[key as Exclude<keyof MessageQuery, 'filter'>] ?? savedField(saved, key);
    if (value !== undefined && key !== 'filter') out[key] = value;
  }
  return out;
}

const savedField = (saved: SavedFilter, key: string): string | undefined => {
  const value = saved.query[key];
  return typeof value === 'string' ? value : undefined;
};
