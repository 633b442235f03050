import type { Command } from 'commander';
import {
  auditableQuery,
  toMessageFilter,
  withoutPaging,
  type MessageQuery,
} from '../../admin/service/message-query.js';
import { withSavedFilter } from '../../admin/service/saved-filters.js';
import type { MessageFilter, MessageStore } from '../../core/store-types.js';
import { cliActor } from '../output.js';
import { positiveInt, withConfigOptions, type ConfigFlags } from '../options.js';

/** The search flags shared by `messages list`, `messages reprocess` and `messages filters save`. */
export interface SearchFlags extends ConfigFlags {
  channel?: string;
  status?: string;
  type?: string;
  controlId?: string;
  ubrn?: string;
  nhs?: string;
  file?: string;
  row?: string;
  since?: string;
  until?: string;
  text?: string;
  filter?: string;
  limit?: string;
}

export const searchOptions = (c: Command): Command =>
  withConfigOptions(c)
    .option('--channel <id>', 'only this channel')
    .option('--status <list>', 'comma-separated statuses, e.g. ERROR,DEAD')
    .option('--type <type>', 'message type, any case, e.g. ref^i12')
    .option('--control-id <id>', 'MSH-10 / file row id')
    .option('--ubrn <ubrn>', 'messages that carried, created or called e-RS about this UBRN')
    .option('--nhs <number>', 'messages about this NHS number (searched by its hash)')
    .option('--file <name>', 'records of a dropped file of this name, e.g. referrals.csv')
    .option('--row <n>', 'with --file: the record at this row (or batch message number)')
    .option('--since <when>', 'received at or after: ISO 8601 or an age (24h, 7d)')
    .option('--until <when>', 'received before: ISO 8601 or an age')
    .option('--text <words>', 'words that must all occur in the body (audited)')
    .option('--filter <name>', 'a saved filter (messages filters list); other flags add to it');

/** Pure: the flags as the admin search query (the same parsing and rules as the API). */
export function queryOf(flags: SearchFlags): MessageQuery {
  const pairs: [keyof MessageQuery, string | undefined][] = [
    ['channel', flags.channel],
    ['status', flags.status],
    ['type', flags.type],
    ['controlId', flags.controlId],
    ['ubrn', flags.ubrn],
    ['nhsNumber', flags.nhs],
    ['file', flags.file],
    ['row', flags.row],
    ['since', flags.since],
    ['until', flags.until],
    ['text', flags.text],
    ['filter', flags.filter],
  ];
  const query: MessageQuery = {};
  for (const [key, value] of pairs)
    if (value !== undefined && value.trim() !== '') query[key] = value.trim();
  return query;
}

/**
 * Checks the flags before any store is opened (a bad status or date is reported at once). The
 * CLI's own --limit has no page cap: undefined means every match (reprocess).
 */
export function checkFlags(flags: SearchFlags): MessageQuery {
  const query = queryOf(flags);
  const { filter: _saved, ...direct } = query;
  toMessageFilter(direct);
  if (flags.limit !== undefined) positiveInt('--limit', flags.limit);
  return query;
}

/**
 * The store filter of the flags, a saved filter merged in. A free-text search is audited as
 * the dashboard's is, under the OS user.
 */
export async function filterOf(
  store: MessageStore,
  flags: SearchFlags,
  options: { defaultLimit?: number } = {},
): Promise<{ filter: MessageFilter; query: MessageQuery }> {
  const query = await withSavedFilter(store, queryOf(flags));
  const { limit: _page, ...filter } = toMessageFilter(query);
  const limit =
    flags.limit === undefined ? options.defaultLimit : positiveInt('--limit', flags.limit);
  return { filter: limit === undefined ? filter : { ...filter, limit }, query };
}

/** The audit row of a free-text search made from the CLI. */
export async function auditText(
  store: MessageStore,
  query: MessageQuery,
  results: number,
): Promise<void> {
  if (query.text === undefined) return;
  await store.appendAudit({
    at: Date.now(),
    actor: cliActor(),
    action: 'messages.search.text',
    target: null,
    detail: { ...auditableQuery(withoutPaging(query)), results },
  });
}
