import type { MessageFilter } from '../core/store-types.js';

/** The two SQL stores: their placeholders and their spellings of the search expressions. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Pure: our own constants (statuses) as an SQL list, `'A','B'`, written into a statement: they
 * are fixed words, never user input, and a literal list lets the planner use the partial indexes.
 */
export const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(',');

/**
 * The indexed expressions of migration 3 (docs/decisions/150-message-search.md). A query must
 * spell them exactly as the index does, or the planner will not use the index.
 */
const EXPR = {
  sqlite: {
    type: (p: string) => `message_type = ${p} COLLATE NOCASE`,
    file: `json_extract(source_meta, '$.file')`,
    row: `coalesce(json_extract(source_meta, '$.row'), json_extract(source_meta, '$.message'))`,
  },
  postgres: {
    type: (p: string) => `lower(message_type) = lower(${p})`,
    file: `((source_meta::jsonb) ->> 'file')`,
    row: `coalesce((source_meta::jsonb) ->> 'row', (source_meta::jsonb) ->> 'message')`,
  },
} as const;

/** The partial-index condition of the file index: only file records are in it. */
const HAS_FILE = `source_meta LIKE '%"file"%'`;

/** Longest free-text query kept (words beyond are ignored): a search, not a document. */
const MAX_TERMS = 16;

/**
 * Pure: the words of a free-text search as both stores' tokenizers cut a body (letters and
 * digits; everything else separates), lower-cased. Every word must occur in a matching body.
 */
export function textTerms(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '')
    .slice(0, MAX_TERMS);
}

/**
 * Pure: the words as PostgreSQL's `ers_body_tsv` sees them, AND-ed: bodies are indexed as
 * 'escape'-encoded bytes (never fails on bytes that are not UTF-8), so a letter outside ASCII
 * becomes its octal byte codes (`ë` → `303 253`), split as the body's are.
 */
export function pgTextQuery(text: string): string {
  const lexemes = textTerms(text).flatMap((term) =>
    [...Buffer.from(term, 'utf8')]
      .map((b) => (b < 0x80 ? String.fromCharCode(b) : ` ${b.toString(8).padStart(3, '0')} `))
      .join('')
      .split(' ')
      .filter((t) => t !== ''),
  );
  return lexemes.map((l) => `'${l}'`).join(' & ');
}

/**
 * Pure: the WHERE clause and parameters of a message filter, shared by both SQL stores.
 * Free text is not here: it changes the FROM clause (`messageListSql`).
 */
export function messageFilterSql(
  filter: MessageFilter,
  dialect: SqlDialect,
  firstParam = 1,
): { where: string; params: unknown[]; clauses: string[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const placeholder = (n: number): string => (dialect === 'sqlite' ? '?' : `$${n}`);
  const add = (sql: (...p: string[]) => string, ...values: unknown[]): void => {
    const marks = values.map((v) => {
      params.push(v);
      return placeholder(firstParam + params.length - 1);
    });
    clauses.push(sql(...marks));
  };
  const expr = EXPR[dialect];
  if (filter.channel !== undefined) add((p) => `channel = ${p}`, filter.channel);
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    add((...p) => `status IN (${p.join(',')})`, ...statuses);
  }
  if (filter.messageType !== undefined) add(expr.type, filter.messageType);
  if (filter.controlId !== undefined) add((p) => `control_id = ${p}`, filter.controlId);
  if (filter.sender !== undefined) add((p) => `sender = ${p}`, filter.sender);
  if (filter.controlIdPrefix !== undefined) {
    // Not LIKE (case rules differ between the stores): an exact prefix whatever the collation,
    // and a lower bound that lets the (channel, sender, control_id) index start at the prefix.
    add(
      (from, prefix) =>
        `control_id >= ${from} AND substr(control_id, 1, ${filter.controlIdPrefix?.length ?? 0}) = ${prefix}`,
      filter.controlIdPrefix,
      filter.controlIdPrefix,
    );
  }
  if (filter.receivedFrom !== undefined) add((p) => `received_at >= ${p}`, filter.receivedFrom);
  if (filter.receivedTo !== undefined) add((p) => `received_at < ${p}`, filter.receivedTo);
  if (filter.beforeId !== undefined) add((p) => `id < ${p}`, filter.beforeId);
  if (filter.searchKey !== undefined) {
    add(
      (n, v) => `id IN (SELECT message_id FROM message_search WHERE name = ${n} AND value = ${v})`,
      filter.searchKey.name,
      filter.searchKey.value,
    );
  }
  if (filter.file !== undefined) {
    // The partial expression index of file records (migration 3): the condition is repeated so
    // the planner may use it.
    add((p) => `${HAS_FILE} AND ${expr.file} = ${p}`, filter.file);
    if (filter.fileRow !== undefined) {
      const row = dialect === 'sqlite' ? filter.fileRow : String(filter.fileRow);
      add((p) => `${expr.row} = ${p}`, row);
    }
  }
  if (filter.text !== undefined && dialect === 'postgres') {
    const query = pgTextQuery(filter.text);
    // A constant tsquery (to_tsquery is immutable): the planner reads the word's frequency from
    // the index statistics and picks the GIN index for a rare word, the newest rows for a common.
    if (query === '') clauses.push('FALSE');
    else add((p) => `ers_body_tsv(raw) @@ to_tsquery('simple', ${p})`, query);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params, clauses };
}

const SUMMARY_COLUMNS = `id, channel, status, message_type, control_id, attempts, received_at,
  updated_at, error_code`;

/**
 * Pure: a page of summaries, newest first. SQLite's free text walks the FTS5 index newest first
 * (joined by rowid, no sort) and stops at the page; an `IN (…)` over a common word would first
 * collect every matching id.
 */
export function messageListSql(
  filter: MessageFilter,
  dialect: SqlDialect,
  limit: number,
): { sql: string; params: unknown[] } {
  if (dialect === 'sqlite' && filter.text !== undefined) {
    const terms = textTerms(filter.text);
    const match = terms.map((t) => `"${t}"`).join(' ');
    const { clauses, params } = messageFilterSql(filter, dialect);
    const where = [terms.length === 0 ? '0' : 'message_text MATCH ?', ...clauses].join(' AND ');
    return {
      sql: `SELECT ${SUMMARY_COLUMNS} FROM message_text JOIN messages ON messages.id = message_text.rowid
        WHERE ${where} ORDER BY message_text.rowid DESC LIMIT ?`,
      params: [...(terms.length === 0 ? [] : [match]), ...params, limit],
    };
  }
  const { where, params } = messageFilterSql(filter, dialect);
  const mark = dialect === 'sqlite' ? '?' : `$${params.length + 1}`;
  return {
    sql: `SELECT ${SUMMARY_COLUMNS} FROM messages ${where} ORDER BY id DESC LIMIT ${mark}`,
    params: [...params, limit],
  };
}
