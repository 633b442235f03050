import { EngineError } from '../../core/errors.js';
import type { Destination, DestinationContext, DestinationResult } from '../../core/plugins.js';
import { encodeText, parseHl7 } from '../../formats/hl7v2/index.js';
import { MllpClient } from '../../formats/mllp/client.js';
import { judgeAck } from '../../formats/mllp/judge-ack.js';
import type { MllpDestinationConfig } from './schema.js';

/** The HL7 texts earlier destinations produced (`output.outbound`), in destination order. */
export function outboundMessages(previous: DestinationContext['previous']): string[] {
  const out: string[] = [];
  for (const result of Object.values(previous)) {
    const outbound = result.output?.outbound;
    if (typeof outbound === 'string') out.push(outbound);
    else if (Array.isArray(outbound))
      for (const m of outbound) if (typeof m === 'string') out.push(m);
  }
  return out;
}

/** Sends HL7 to a PAS over MLLP and waits for each ACK. */
export class MllpDestination implements Destination {
  private readonly client: MllpClient;

  constructor(private readonly config: MllpDestinationConfig) {
    this.client = new MllpClient({
      host: config.host,
      port: config.port,
      connectTimeoutMs: config.connectTimeoutMs,
      ackTimeoutMs: config.ackTimeoutMs,
      ...(config.tls === undefined ? {} : { tls: config.tls }),
    });
  }

  async send(context: DestinationContext): Promise<DestinationResult> {
    const raw = context.message.raw;
    const messages: Buffer[] =
      this.config.payload === 'raw'
        ? raw === null
          ? []
          : [raw]
        : outboundMessages(context.previous).map((text) =>
            encodeText(text, parseHl7(text).headerValue(18)),
          );
    const acks: { controlId: string; ack: string }[] = [];
    for (const payload of messages) {
      const controlId = parseHl7(payload).controlId;
      const ack = await this.client.send(payload, context.signal).catch((e: unknown) => {
        throw withProgress(e, acks.length);
      });
      try {
        acks.push({ controlId, ack: judgeAck(ack, controlId, this.config) });
      } catch (e) {
        throw withProgress(e, acks.length);
      }
    }
    return { request: { sent: messages.length }, response: { acks }, output: { acks } };
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}

/** Names how many messages of this send were already acknowledged (a retry resends them). */
function withProgress(error: unknown, acknowledged: number): unknown {
  if (!(error instanceof EngineError) || acknowledged === 0) return error;
  return new EngineError(error.code, error.message, {
    ...(error.at === undefined ? {} : { at: error.at }),
    context: { ...error.context, acknowledgedBefore: acknowledged },
    retry: error.retry,
    cause: error,
  });
}
