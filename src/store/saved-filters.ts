import { parseJson } from './rows.js';
import type { SavedFilter } from '../core/store-types.js';

/** A saved search as both SQL stores hold it (`saved_filters`, migration 3). */
export interface SavedFilterRow {
  readonly name: string;
  readonly query: string;
  readonly saved_by: string;
  readonly saved_at: number | string;
}

export function rowToSavedFilter(row: SavedFilterRow): SavedFilter {
  return {
    name: row.name,
    query: parseJson<Record<string, string>>(row.query, {}),
    savedBy: row.saved_by,
    savedAt: Number(row.saved_at),
  };
}

/** The upsert both stores run; `?` placeholders are turned into `$n` for PostgreSQL. */
export const SAVE_FILTER_SQL = `INSERT INTO saved_filters (name, query, saved_by, saved_at)
  VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET query = excluded.query,
  saved_by = excluded.saved_by, saved_at = excluded.saved_at`;

export const saveFilterParams = (f: SavedFilter): unknown[] => [
  f.name,
  JSON.stringify(f.query),
  f.savedBy,
  f.savedAt,
];

export const LIST_FILTERS_SQL = 'SELECT * FROM saved_filters ORDER BY name';
export const DELETE_FILTER_SQL = 'DELETE FROM saved_filters WHERE name = ?';

/** `?` → `$1`, `$2`… (none of these statements holds a `?` in a literal). */
export const pgParams = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};
