import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import type { Destination, DestinationContext, DestinationResult } from '../../core/plugins.js';
import {
  compiledMappingByHash,
  renderOutbound,
  renderReply,
  worklistItems,
  type CompiledMapping,
} from '../../mapping/index.js';
import { fhirToHl7 } from '../../mapping/dates.js';

export const ReplyDestinationSchema = z.strictObject({
  /** The destination whose `output` fills `{{ers.…}}` placeholders (usually the e-RS one). */
  from: z.string().min(1).default('ers'),
});
export type ReplyDestinationConfig = z.infer<typeof ReplyDestinationSchema>;

/**
 * Sends nothing itself: its `output.ack = { fields, segments }` is what the MLLP source merges
 * into the application ACK once the message is done, and `output.outbound` (one HL7 message per
 * new item of the e-RS answer) is what an mllp destination after it sends to the PAS.
 */
export function createReplyDestination(config: ReplyDestinationConfig): Destination {
  return {
    async send(ctx): Promise<DestinationResult> {
      const { mapped } = ctx;
      const mapping = compiledMappingByHash(mapped.mappingHash, mapped.mappingId);
      if (mapping === undefined) {
        throw new EngineError(
          'MAP_NO_MATCHING_MAPPING',
          `reply: mapping ${mapped.mappingId} is not loaded`,
          { context: { mappingId: mapped.mappingId } },
        );
      }
      const previous = ctx.previous[config.from];
      const ers = previous?.output ?? {};
      const ack = mapping.reply
        ? renderReply(mapping.reply, { ers, input: mapped.input })
        : { fields: {}, segments: [] };
      if (mapping.reply?.outbound === undefined) return { output: { ack } };
      const outbound = await outboundFor(mapping, ctx, previous?.response);
      return { output: { ack, ...outbound } };
    },
  };
}

/**
 * One message per item of the e-RS answer not sent before. The checkpoint remembers which poll
 * message carried each item still on the list, so a later poll skips it while a reprocessed poll
 * sends its own items again; items that left the list are forgotten (the checkpoint stays small).
 */
async function outboundFor(
  mapping: CompiledMapping,
  ctx: DestinationContext,
  response: unknown,
): Promise<{ outbound: string[]; items: number; skipped: number }> {
  const outbound = mapping.reply?.outbound;
  if (outbound === undefined) return { outbound: [], items: 0, skipped: 0 };
  const items = worklistItems((response as { resource?: unknown } | undefined)?.resource);
  const { store } = ctx.services;
  const key = `outbound:${ctx.channelId}:${mapping.id}`;
  const before =
    outbound.once === undefined
      ? {}
      : (((await store.getCheckpoint(key)) as Record<string, number> | undefined) ?? {});
  const fresh = items.filter((i) => (before[i.ubrn] ?? ctx.message.id) === ctx.message.id);
  const now = fhirToHl7(new Date(ctx.now).toISOString()) ?? '';
  const messages = fresh.map((item, n) =>
    renderOutbound(outbound, { ...item, controlId: `E${ctx.message.id}-${n + 1}`, now }),
  );
  if (outbound.once !== undefined)
    await store.setCheckpoint(
      key,
      Object.fromEntries(items.map((i) => [i.ubrn, before[i.ubrn] ?? ctx.message.id])),
    );
  return { outbound: messages, items: items.length, skipped: items.length - fresh.length };
}
