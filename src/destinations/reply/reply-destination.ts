import { z } from 'zod';
import { EngineError } from '../../engine/errors.js';
import type { Destination, DestinationResult } from '../../engine/plugins.js';
import { compiledMappingByHash, renderReply } from '../../mapping/index.js';

export const ReplyDestinationSchema = z.strictObject({
  /** The destination whose `output` fills `{{ers.…}}` placeholders (usually the e-RS one). */
  from: z.string().min(1).default('ers'),
});
export type ReplyDestinationConfig = z.infer<typeof ReplyDestinationSchema>;

/**
 * Sends nothing itself: its `output.ack = { fields, segments }` is what the MLLP source merges
 * into the application ACK once the message is done.
 */
export function createReplyDestination(config: ReplyDestinationConfig): Destination {
  return {
    send(ctx): Promise<DestinationResult> {
      const { mapped } = ctx;
      const mapping = compiledMappingByHash(mapped.mappingHash, mapped.mappingId);
      if (mapping === undefined) {
        return Promise.reject(
          new EngineError(
            'MAP_NO_MATCHING_MAPPING',
            `reply: mapping ${mapped.mappingId} is not loaded`,
            {
              context: { mappingId: mapped.mappingId },
            },
          ),
        );
      }
      const ers = ctx.previous[config.from]?.output ?? {};
      const ack = mapping.reply
        ? renderReply(mapping.reply, { ers, input: mapped.input })
        : { fields: {}, segments: [] };
      return Promise.resolve({ output: { ack } });
    },
  };
}
