// destinations/mllp: sends HL7 v2 to a PAS over MLLP and judges its ACK (AA/CA ok, AE retry, AR reject).
import { destinations } from '../../core/registry.js';
import { MllpDestination } from './mllp-destination.js';
import { MllpDestinationSchema, type MllpDestinationConfig } from './schema.js';

export { MllpClient, type MllpClientOptions } from '../../formats/mllp/client.js';
export { judgeAck } from '../../formats/mllp/judge-ack.js';
export { MllpDestination, outboundMessages } from './mllp-destination.js';
export { MllpDestinationSchema, type MllpDestinationConfig } from './schema.js';

destinations.register({
  type: 'mllp',
  description:
    'Send HL7 v2 over MLLP (outbound reply messages or the raw message) and wait for the ACK',
  schema: MllpDestinationSchema,
  create: (config: MllpDestinationConfig) => new MllpDestination(config),
});
