import { EngineError } from '../../core/errors.js';
import type { MessageFilter, ReprocessResult } from '../../core/store-types.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

/**
 * The state-changing actions, shared by the JSON API and the dashboard forms, each leaving
 * an audit row naming the person.
 */
export const ChannelCommand = { start: 'start', stop: 'stop', reload: 'reload' } as const;
export type ChannelCommand = (typeof ChannelCommand)[keyof typeof ChannelCommand];

export function isChannelCommand(value: string): value is ChannelCommand {
  return Object.hasOwn(ChannelCommand, value);
}

export async function controlChannel(
  ctx: AdminContext,
  who: Principal,
  options: { channel: string; command: ChannelCommand },
): Promise<{ ok: boolean; errors: readonly string[] }> {
  const { channel, command } = options;
  if (!ctx.control.channels().some((c) => c.id === channel)) {
    throw new EngineError('STORE_NOT_FOUND', `There is no channel "${channel}".`);
  }
  const actor = actorOf(who);
  let outcome: { ok: boolean; errors: readonly string[] };
  switch (command) {
    case 'start':
      await ctx.control.startChannel(channel, actor);
      outcome = { ok: true, errors: [] };
      break;
    case 'stop':
      await ctx.control.stopChannel(channel, actor);
      outcome = { ok: true, errors: [] };
      break;
    case 'reload':
      outcome = await ctx.control.reloadChannel(channel, actor);
      break;
    default:
      command satisfies never;
      throw new EngineError('ADMIN_BAD_REQUEST', 'Unknown channel command.');
  }
  await audit(ctx, {
    actor,
    action: `channel.${command}`,
    target: channel,
    detail: { ok: outcome.ok, errors: outcome.errors },
  });
  return outcome;
}

async function mustExist(ctx: AdminContext, id: number) {
  const message = await ctx.control.store.get(id);
  if (!message) throw new EngineError('STORE_NOT_FOUND', `There is no message ${id}.`);
  return message;
}

/** Pure: an operator's sentence for a refused reprocess (the API's error message). */
export function refusalText(id: number, result: Extract<ReprocessResult, { ok: false }>): string {
  switch (result.reason) {
    case 'not-found':
      return `There is no message ${id}.`;
    case 'leased':
      return `Message ${id} is being processed right now; wait for its outcome.`;
    case 'in-flight':
      return `Message ${id} has a destination call in flight; wait for it to settle (NEEDS_REVIEW or SENT).`;
    case 'effect-succeeded':
      return `Message ${id} was SENT: reprocessing sends ${(result.resend ?? []).join(', ')} again. Confirm with force to do that.`;
    default:
      return result.reason satisfies never;
  }
}

export async function reprocessOne(
  ctx: AdminContext,
  who: Principal,
  options: { id: number; note?: string | undefined; force?: boolean },
): Promise<Extract<ReprocessResult, { ok: true }>> {
  const message = await mustExist(ctx, options.id);
  const actor = actorOf(who);
  const result = await ctx.control.reprocess(options.id, {
    actor,
    note: options.note,
    force: options.force === true,
  });
  if (!result.ok)
    throw new EngineError('STORE_REPROCESS_REFUSED', refusalText(options.id, result), {
      context: { reason: result.reason, resend: result.resend ?? [] },
    });
  await audit(ctx, {
    actor,
    action: 'message.reprocess',
    target: `message:${options.id}`,
    detail: {
      channel: message.channel,
      fromStatus: message.status,
      previousMappingHash: message.mappingHash,
      ...(result.resend.length > 0 ? { resend: result.resend, forced: true } : {}),
      ...(options.note ? { note: options.note } : {}),
    },
  });
  return result;
}

/** Most messages one "reprocess these" may touch; a bigger set is done in several goes. */
export const MAX_BULK_REPROCESS = 1000;

export interface BulkReprocessReport {
  readonly done: number[];
  /** Messages left as they were, each with the reason (leased, in-flight, effect-succeeded). */
  readonly skipped: { readonly id: number; readonly reason: string }[];
}

/**
 * Reprocesses every message matching the filter, never forcing: a SENT message with effects,
 * a leased one or one with a call in flight is skipped and reported, not sent again.
 */
export async function reprocessMatching(
  ctx: AdminContext,
  who: Principal,
  options: { filter: MessageFilter; describe: Record<string, string>; note?: string | undefined },
): Promise<BulkReprocessReport> {
  const matching = await ctx.control.store.list({
    ...options.filter,
    limit: MAX_BULK_REPROCESS,
    beforeId: undefined,
  });
  const actor = actorOf(who);
  const done: number[] = [];
  const skipped: { id: number; reason: string }[] = [];
  for (const m of matching) {
    const result = await ctx.control.reprocess(m.id, { actor, note: options.note });
    if (result.ok) done.push(m.id);
    else skipped.push({ id: m.id, reason: result.reason });
  }
  await audit(ctx, {
    actor,
    action: 'message.reprocess-bulk',
    detail: {
      filter: options.describe,
      count: done.length,
      ids: done.slice(0, 100),
      skipped: skipped.length,
      ...(options.note ? { note: options.note } : {}),
    },
  });
  return { done, skipped };
}

/**
 * An operator checked e-RS by hand and found the request of a NEEDS_REVIEW message took
 * effect: the message is closed as SENT with the note as evidence. (If it did not take effect,
 * the operator reprocesses instead.)
 */
export async function resolveReview(
  ctx: AdminContext,
  who: Principal,
  options: { id: number; note: string },
): Promise<void> {
  const message = await mustExist(ctx, options.id);
  if (message.status !== 'NEEDS_REVIEW') {
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      `Message ${options.id} is ${message.status}, not NEEDS_REVIEW.`,
    );
  }
  if (options.note.trim() === '') {
    throw new EngineError('ADMIN_BAD_REQUEST', 'Write a note saying what you checked.', {
      at: 'note',
    });
  }
  const actor = actorOf(who);
  await ctx.control.store.transition(options.id, {
    to: 'SENT',
    stage: 'review',
    actor,
    detail: { resolution: 'resolved', note: options.note },
  });
  await audit(ctx, {
    actor,
    action: 'message.resolve',
    target: `message:${options.id}`,
    detail: { note: options.note },
  });
}
