import { EngineError, isEngineError } from '../../core/errors.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';
import { reprocessOne, resolveReview } from './actions.js';

/** What an operator may do to messages picked one by one on the messages list. */
export const BulkAction = { reprocess: 'reprocess', resolve: 'resolve' } as const;
export type BulkAction = (typeof BulkAction)[keyof typeof BulkAction];

export function isBulkAction(value: unknown): value is BulkAction {
  return typeof value === 'string' && Object.hasOwn(BulkAction, value);
}

/** Why a picked message was left as it was. */
export const SkipReason = {
  'not-found': 'not-found',
  leased: 'leased',
  'in-flight': 'in-flight',
  'effect-succeeded': 'effect-succeeded',
  'not-needs-review': 'not-needs-review',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export function isSkipReason(value: unknown): value is SkipReason {
  return typeof value === 'string' && Object.hasOwn(SkipReason, value);
}

/** Pure: the operator's words for a skip, shown in the summary. */
export function skipText(reason: SkipReason): string {
  switch (reason) {
    case 'not-found':
      return 'no such message';
    case 'leased':
      return 'being processed right now';
    case 'in-flight':
      return 'a destination call is in flight';
    case 'effect-succeeded':
      return 'SENT: tick "send SENT messages again" to repeat their calls';
    case 'not-needs-review':
      return 'not NEEDS_REVIEW';
    default:
      return reason satisfies never;
  }
}

/** The most messages one bulk form may name: the largest page of the messages list. */
export const MAX_BULK_IDS = 200;

export interface BulkSummary {
  readonly action: BulkAction;
  readonly done: readonly number[];
  readonly skipped: readonly { readonly id: number; readonly reason: SkipReason }[];
}

/** Pure: the ids a form or JSON body names (`id=1&id=2`, `ids: [1, 2]`), unique, in order. */
export function idsOf(body: unknown): number[] {
  const record = (body ?? {}) as Record<string, unknown>;
  const raw = record['ids'] ?? record['id'];
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined ? [] : [raw];
  const ids = list.map((v) => Number(v));
  if (ids.some((n) => !Number.isSafeInteger(n) || n < 1))
    throw new EngineError('ADMIN_BAD_REQUEST', 'Message ids are whole numbers.', { at: 'ids' });
  const unique = [...new Set(ids)];
  if (unique.length === 0)
    throw new EngineError('ADMIN_BAD_REQUEST', 'Pick at least one message.', { at: 'ids' });
  if (unique.length > MAX_BULK_IDS)
    throw new EngineError('ADMIN_BAD_REQUEST', `Pick at most ${MAX_BULK_IDS} messages at once.`, {
      at: 'ids',
    });
  return unique;
}

function reasonOf(error: unknown): SkipReason {
  if (!isEngineError(error)) throw error;
  if (error.code === 'STORE_NOT_FOUND') return 'not-found';
  const reason = error.context['reason'];
  if (error.code === 'STORE_REPROCESS_REFUSED' && isSkipReason(reason)) return reason;
  if (error.code === 'ADMIN_BAD_REQUEST' && error.at === undefined) return 'not-needs-review';
  throw error;
}

async function inFlight(ctx: AdminContext, id: number): Promise<boolean> {
  return ((await ctx.control.store.get(id))?.inFlightDestination ?? null) !== null;
}

/**
 * Reprocesses or resolves each picked message with the rules of the one-message action (a
 * leased or in-flight message is refused; a SENT one only with `force`, which here never
 * forces a call in flight), one audit row per message done, and one summary row for the whole
 * request.
 */
export async function applyBulk(
  ctx: AdminContext,
  who: Principal,
  options: { action: BulkAction; ids: readonly number[]; note?: string; force?: boolean },
): Promise<BulkSummary> {
  const { action, ids, note } = options;
  if (action === 'resolve' && (note ?? '').trim() === '')
    throw new EngineError('ADMIN_BAD_REQUEST', 'Write a note saying what you checked.', {
      at: 'note',
    });
  const done: number[] = [];
  const skipped: { id: number; reason: SkipReason }[] = [];
  for (const id of ids) {
    try {
      switch (action) {
        case 'reprocess':
          if (options.force === true && (await inFlight(ctx, id))) {
            // force is for SENT messages here; a call in flight is settled, or forced one by one.
            skipped.push({ id, reason: 'in-flight' });
            continue;
          }
          await reprocessOne(ctx, who, { id, note, force: options.force === true });
          break;
        case 'resolve':
          await resolveReview(ctx, who, { id, note: note ?? '' });
          break;
        default:
          action satisfies never;
      }
      done.push(id);
    } catch (error) {
      skipped.push({ id, reason: reasonOf(error) });
    }
  }
  await audit(ctx, {
    actor: actorOf(who),
    action: `message.bulk-${action}`,
    detail: {
      done,
      skipped: skipped.map((s) => `${s.id}:${s.reason}`),
      ...(options.force === true ? { forced: true } : {}),
      ...(note ? { note } : {}),
    },
  });
  return { action, done, skipped };
}
