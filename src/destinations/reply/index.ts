// destinations/reply: renders the mapping's `reply` section (ACK fields, Z-segments, outbound HL7) from the e-RS result.
import { destinations } from '../../core/registry.js';
import { requireMappingTransformer } from '../../mapping/channel-check.js';
import { ReplyDestinationSchema, createReplyDestination } from './reply-destination.js';

destinations.register({
  type: 'reply',
  description:
    "Answer the sender with the mapping's reply section (e.g. the UBRN in MSA-3), or render outbound HL7 for an mllp destination",
  schema: ReplyDestinationSchema,
  create: (config, ctx) => {
    // Refused at build time (file:line) rather than failing every message at run time.
    requireMappingTransformer(ctx, { type: 'reply' });
    return createReplyDestination(config);
  },
});

export { ReplyDestinationSchema, createReplyDestination } from './reply-destination.js';
