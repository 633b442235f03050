import { EngineError } from '../../engine/errors.js';
import type { MessageFilter } from '../../store/types.js';
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

export async function reprocessOne(
  ctx: AdminContext,
  who: Principal,
  options: { id: number; note?: string | undefined },
): Promise<void> {
  const message = await mustExist(ctx, options.id);
  const actor = actorOf(who);
  await ctx.control.reprocess(options.id, actor, options.note);
  await audit(ctx, {
    actor,
    action: 'message.reprocess',
    target: `message:${options.id}`,
    detail: {
      channel: message.channel,
      fromStatus: message.status,
      previousMappingHash: message.mappingHash,
      ...(options.note ? { note: options.note } : {}),
    },
  });
}

/** Most messages one "reprocess these" may touch; a bigger set is done in several goes. */
export const MAX_BULK_REPROCESS = 1000;

export async function reprocessMatching(
  ctx: AdminContext,
  who: Principal,
  options: { filter: MessageFilter; describe: Record<string, string>; note?: string | undefined },
): Promise<number[]> {
  const matching = await ctx.control.store.list({
    ...options.filter,
    limit: MAX_BULK_REPROCESS,
    beforeId: undefined,
  });
  const actor = actorOf(who);
  const done: number[] = [];
  for (const m of matching)
    if (await ctx.control.reprocess(m.id, actor, options.note)) done.push(m.id);
  await audit(ctx, {
    actor,
    action: 'message.reprocess-bulk',
    detail: {
      filter: options.describe,
      count: done.length,
      ids: done.slice(0, 100),
      ...(options.note ? { note: options.note } : {}),
    },
  });
  return done;
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
