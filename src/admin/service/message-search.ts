import { EngineError } from '../../core/errors.js';
import type { MessageFilter, MessageSummary } from '../../core/store-types.js';
import { can } from '../auth/roles.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';
import {
  auditableQuery,
  toMessageFilter,
  withoutPaging,
  type MessageQuery,
} from './message-query.js';
import { savedQueryOf, withSavedFilter } from './saved-filters.js';

export interface MessageSearch {
  /** The query run: a saved filter's fields merged in. */
  readonly query: MessageQuery;
  readonly filter: MessageFilter;
  readonly messages: readonly MessageSummary[];
  /** The id to page on from (`before`), or null on the last page. */
  readonly nextBefore: number | null;
}

/**
 * One page of a message search, for the API and the dashboard alike. Free text reads bodies,
 * so it needs the body permission and leaves an audit row (its words only as a hash).
 */
export async function searchMessages(
  ctx: AdminContext,
  who: Principal,
  typed: MessageQuery,
): Promise<MessageSearch> {
  const query = await withSavedFilter(ctx.control.store, typed);
  if (query.text !== undefined && !can(who.role, 'messages.body'))
    throw new EngineError(
      'ADMIN_FORBIDDEN',
      'Free-text search reads message bodies: your role may not.',
      { at: 'text' },
    );
  const filter = toMessageFilter(query, ctx.clock());
  const messages = await ctx.control.store.list(filter);
  if (query.text !== undefined) {
    await audit(ctx, {
      actor: actorOf(who),
      action: 'messages.search.text',
      detail: { ...auditableQuery(withoutPaging(query)), results: messages.length },
    });
  }
  const nextBefore = messages.length === filter.limit ? (messages.at(-1)?.id ?? null) : null;
  return { query, filter, messages, nextBefore };
}

/** Saves a named search for everyone (audited). */
export async function saveFilter(
  ctx: AdminContext,
  who: Principal,
  options: { name: string; query: MessageQuery },
): Promise<Record<string, string>> {
  const kept = savedQueryOf(options.name, options.query);
  await ctx.control.store.saveFilter({
    name: options.name,
    query: kept,
    savedBy: actorOf(who),
    savedAt: ctx.clock(),
  });
  await audit(ctx, {
    actor: actorOf(who),
    action: 'filter.save',
    target: options.name,
    detail: auditableQuery(kept),
  });
  return kept;
}

/** Removes a saved search (audited); STORE_NOT_FOUND when there is none of that name. */
export async function deleteFilter(ctx: AdminContext, who: Principal, name: string): Promise<void> {
  if (!(await ctx.control.store.deleteFilter(name)))
    throw new EngineError('STORE_NOT_FOUND', `There is no saved filter "${name}".`);
  await audit(ctx, { actor: actorOf(who), action: 'filter.delete', target: name });
}
