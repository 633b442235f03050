import { EngineError } from '../../core/errors.js';
import type { StoredMessage } from '../../core/store-types.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';

/** The largest edited body the dashboard stores (the form's own limit is 2 MB). */
export const MAX_EDITED_BYTES = 1_000_000;

/** Pure: what a text area gave back, as the channel's source would have stored it. */
export function normaliseEditedBody(contentType: string, text: string): Buffer {
  if (contentType.includes('hl7')) {
    // Browsers send text areas with CRLF line ends; HL7 separates segments with CR.
    return Buffer.from(text.trim().replace(/\r?\n/g, '\r'), 'utf8');
  }
  if (contentType.includes('json')) {
    try {
      JSON.parse(text);
    } catch {
      throw new EngineError('ADMIN_BAD_REQUEST', 'The edited body is not valid JSON.', {
        at: 'body',
      });
    }
  }
  return Buffer.from(text, 'utf8');
}

export interface ResendOutcome {
  readonly originalId: number;
  readonly newId: number;
}

/**
 * Stores an operator's corrected copy of a message as a new message on the same channel,
 * linked to the original (`sourceMeta.resentFrom`, search key `resentFrom`) and processed like
 * any other; the original is not changed. It has no control id of its own, so the sender's
 * dedup and reuse rules never mistake it for the sender's message. A SENT original's effects
 * (an e-RS referral) would be repeated, so that needs `allowSent`.
 */
export async function editAndResend(
  ctx: AdminContext,
  who: Principal,
  options: { id: number; body: string; note?: string | undefined; allowSent?: boolean },
): Promise<ResendOutcome> {
  const original: StoredMessage | undefined = await ctx.control.store.get(options.id);
  if (!original) throw new EngineError('STORE_NOT_FOUND', `There is no message ${options.id}.`);
  if (options.body.trim() === '')
    throw new EngineError('ADMIN_BAD_REQUEST', 'The edited body is empty.', { at: 'body' });
  if (original.status === 'SENT' && options.allowSent !== true)
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      `Message ${options.id} was SENT: resending an edited copy repeats what it did. Confirm to do that.`,
      { at: 'allowSent' },
    );
  const raw = normaliseEditedBody(original.contentType, options.body);
  if (raw.length > MAX_EDITED_BYTES)
    throw new EngineError('ADMIN_BAD_REQUEST', 'The edited body is larger than 1 MB.', {
      at: 'body',
    });
  const actor = actorOf(who);
  const { id: newId } = await ctx.control.store.append({
    channel: original.channel,
    sender: original.sender,
    contentType: original.contentType,
    raw,
    orderingKey: original.orderingKey ?? undefined,
    messageType: original.messageType ?? undefined,
    sourceMeta: { ...original.sourceMeta, resentFrom: original.id, editedBy: actor },
    searchKeys: { ...original.searchKeys, resentFrom: String(original.id) },
  });
  await audit(ctx, {
    actor,
    action: 'message.edit-resend',
    target: `message:${newId}`,
    detail: {
      originalId: original.id,
      newId,
      channel: original.channel,
      fromStatus: original.status,
      bytes: raw.length,
      ...(options.note ? { note: options.note } : {}),
    },
  });
  return { originalId: original.id, newId };
}

/** Messages made from this one by edit-and-resend, newest first. */
export async function resendsOf(ctx: AdminContext, id: number): Promise<number[]> {
  const list = await ctx.control.store.list({
    searchKey: { name: 'resentFrom', value: String(id) },
    limit: 50,
  });
  return list.map((m) => m.id);
}
