import { EngineError } from '../../core/errors.js';
import type { AttemptRecord, MessageEvent, StoredMessage } from '../../core/store-types.js';
import { actorOf, audit, type AdminContext, type Principal } from '../context.js';
import { hl7View, type SegmentView } from './hl7-view.js';

export interface MessageDetail {
  readonly message: Omit<StoredMessage, 'raw'> & { readonly raw: string | null };
  /** The message split into segments and fields when it is HL7 v2. */
  readonly hl7: SegmentView[] | null;
  readonly events: readonly MessageEvent[];
  /** Every destination call, each attempt kept (what was sent and answered each time). */
  readonly attempts: readonly AttemptRecord[];
}

function isHl7(m: StoredMessage): boolean {
  return m.contentType.includes('hl7') || m.raw?.subarray(0, 3).toString('latin1') === 'MSH';
}

/** Reads one message with its body; every read of a body by a person is audited. */
export async function readMessageDetail(
  ctx: AdminContext,
  who: Principal,
  id: number,
): Promise<MessageDetail> {
  const message = await ctx.control.store.get(id);
  if (!message) throw new EngineError('STORE_NOT_FOUND', `There is no message ${id}.`);
  await audit(ctx, {
    actor: actorOf(who),
    action: 'message.view',
    target: `message:${id}`,
    detail: { channel: message.channel },
  });
  const events = await ctx.control.store.events(id);
  const attempts = await ctx.control.store.attemptHistory(id);
  const hl7 = message.raw && isHl7(message) ? (hl7View(message.raw) ?? null) : null;
  return {
    message: { ...message, raw: message.raw?.toString('utf8') ?? null },
    hl7,
    events,
    attempts,
  };
}

/** The raw body as stored, for download; audited as an export. */
export async function exportRaw(
  ctx: AdminContext,
  who: Principal,
  id: number,
): Promise<{ body: Buffer; contentType: string; channel: string }> {
  const message = await ctx.control.store.get(id);
  if (!message) throw new EngineError('STORE_NOT_FOUND', `There is no message ${id}.`);
  if (!message.raw)
    throw new EngineError('STORE_NOT_FOUND', `The body of message ${id} was removed by retention.`);
  await audit(ctx, {
    actor: actorOf(who),
    action: 'message.export',
    target: `message:${id}`,
    detail: { channel: message.channel, bytes: message.raw.length },
  });
  return { body: message.raw, contentType: message.contentType, channel: message.channel };
}
