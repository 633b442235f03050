import type { MessageFilter } from '../core/store-types.js';

/**
 * Pure: the WHERE clause and parameters of a message filter, shared by both SQL stores.
 * `placeholder(n)` renders the n-th parameter (`?` for SQLite, `$n` for PostgreSQL).
 */
export function messageFilterSql(
  filter: MessageFilter,
  placeholder: (n: number) => string,
): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (...p: string[]) => string, ...values: unknown[]): void => {
    const marks = values.map((v) => {
      params.push(v);
      return placeholder(params.length);
    });
    clauses.push(sql(...marks));
  };
  if (filter.channel !== undefined) add((p) => `channel = ${p}`, filter.channel);
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    add((...p) => `status IN (${p.join(',')})`, ...statuses);
  }
  if (filter.messageType !== undefined) add((p) => `message_type = ${p}`, filter.messageType);
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
    // Matched in the stored sourceMeta text, not an index: a search key per row cost ~20% of a
    // file drop's inserts, for an operator's occasional query (newest first, stops at the limit).
    // Both spellings: SQLite keeps JSON.stringify's text, PostgreSQL may write `"file": "…"`.
    const name = JSON.stringify(filter.file).replace(/[\\%_]/g, '\\$&');
    add(
      (a, b) => `(source_meta LIKE ${a} ESCAPE '\\' OR source_meta LIKE ${b} ESCAPE '\\')`,
      `%"file":${name}%`,
      `%"file": ${name}%`,
    );
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
