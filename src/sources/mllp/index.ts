// sources/mllp: HL7 v2 over MLLP (node:net / TLS) — durable commit ACK, application ACK, NAKs.
import { sources } from '../../core/registry.js';
import { MllpSource } from './mllp-source.js';
import { MllpSourceSchema, type MllpSourceConfig } from './schema.js';

export { MllpSource } from './mllp-source.js';
export { MllpSourceSchema, type MllpSourceConfig } from './schema.js';
export { frameMllp, MllpDecoder, type MllpEvent } from '../../formats/mllp/framing.js';
export { hashIdentifier } from './message-facts.js';
export { HL7_CONTENT_TYPE } from './answer-frame.js';

sources.register({
  type: 'mllp',
  description:
    'HL7 v2 MLLP listener: ACK after durable commit, or an application ACK with the outcome',
  schema: MllpSourceSchema,
  create: (config: MllpSourceConfig, ctx) => new MllpSource(config, ctx),
});
