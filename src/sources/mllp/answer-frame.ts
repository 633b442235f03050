import iconv from 'iconv-lite';
import { EngineError, toEngineError } from '../../core/errors.js';
import type { SourceContext } from '../../core/plugins.js';
import {
  ackWanted,
  parseHl7,
  recoverAckTarget,
  type AckTarget,
  type Hl7Message,
} from '../../formats/hl7v2/index.js';
import type { StoredMessage } from '../../core/store-types.js';
import { ackControlId, applicationAnswer, wantsApplicationAck } from './app-ack.js';
import type { LateReplySender } from './late-replies.js';
import type { FactReader } from './message-facts.js';
import { commitReply } from './replies.js';
import type { MllpSourceConfig } from './schema.js';
import { ContentType } from '../../core/content-types.js';

export const HL7_CONTENT_TYPE = ContentType.hl7v2;

export interface FrameDeps {
  readonly context: SourceContext;
  readonly config: MllpSourceConfig;
  readonly facts: FactReader;
  readonly sourceMeta: Record<string, unknown>;
  readonly now: () => number;
  /** MSH-10 for ACKs that answer no stored message. */
  readonly nakControlId: () => string;
  /** Sends application ACKs decided after the interim answer. */
  readonly late: LateReplySender;
}

/** The encoded answer to one frame, or undefined when the sender asked for none (MSH-15). */
export type Answer = Buffer | undefined;

function encode(text: string, encoding: string): Buffer {
  return encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, encoding);
}

/** An MSH to answer when none can be recovered: the NAK then has an empty MSA-2. */
const ANONYMOUS = recoverAckTarget('MSH|^~\\&|') as AckTarget;

/**
 * Answers one MLLP frame: parse, store durably, then ACK (commit mode) or wait for the outcome
 * (application mode). Input that cannot be accepted is stored as ERROR, so it is kept (DESIGN
 * invariant 4), and answered with a NAK naming the problem.
 */
export async function answerFrame(payload: Buffer, deps: FrameDeps): Promise<Answer> {
  let msg: Hl7Message;
  try {
    msg = parseHl7(payload, { defaultCharset: deps.config.defaultCharset });
  } catch (error) {
    const target = recoverAckTarget(payload);
    return encode(await reject(payload, toEngineError(error), target, deps), 'utf8');
  }
  const facts = deps.facts.read(msg);
  const missing =
    facts.controlId === '' ? 'MSH-10' : facts.messageType === '' ? 'MSH-9' : undefined;
  if (missing !== undefined) {
    const error = new EngineError('FORMAT_REQUIRED_FIELD_MISSING', `${missing} is empty`, {
      at: missing,
    });
    return encode(await reject(payload, error, msg, deps), msg.encoding);
  }
  let stored;
  try {
    stored = await deps.context.receive({
      sender: facts.sender,
      controlId: facts.controlId,
      contentType: HL7_CONTENT_TYPE,
      raw: payload,
      orderingKey: facts.orderingKey,
      messageType: facts.messageType,
      sourceMeta: { ...deps.sourceMeta, charset: msg.encoding },
      searchKeys: facts.searchKeys,
    });
  } catch (cause) {
    const error = new EngineError(
      'STORE_UNAVAILABLE',
      'the message could not be stored; send it again',
      { cause },
    );
    return encode(
      commitReply(msg, { controlId: deps.nakControlId(), now: deps.now(), error }),
      msg.encoding,
    );
  }
  if (stored.duplicateOf !== undefined) {
    // A resend gets what its own MSH-15/16 ask for: nothing when it asked for no ACK.
    if (!answerWanted(msg, deps)) return undefined;
    return encode(duplicateReply(msg, stored.duplicateOf, deps), msg.encoding);
  }
  if (stored.controlIdReused?.refused === true)
    return encode(await refusedReuseReply(msg, stored.id, deps), msg.encoding);
  const text = await acceptedReply(msg, stored.id, deps);
  return text === undefined ? undefined : encode(text, msg.encoding);
}

function answerWanted(msg: Hl7Message, deps: FrameDeps): boolean {
  if (ackWanted(msg, 'commit', true)) return true;
  return deps.config.ack.mode === 'application' && wantsApplicationAck(msg);
}

async function acceptedReply(
  msg: Hl7Message,
  id: number,
  deps: FrameDeps,
): Promise<string | undefined> {
  if (deps.config.ack.mode === 'application' && wantsApplicationAck(msg))
    return applicationAnswer(msg, id, deps);
  if (!ackWanted(msg, 'commit', true)) return undefined;
  return commitReply(msg, { controlId: ackControlId(id), now: deps.now() });
}

/** The channel refuses reused control ids (controlIdReuse: refuse): a NAK, kept for resends. */
async function refusedReuseReply(msg: Hl7Message, id: number, deps: FrameDeps): Promise<string> {
  const error = new EngineError(
    'CONTROL_ID_REUSED',
    'MSH-10 was used before with different content; send it with a new control id',
    { at: 'MSH-10' },
  );
  const nak = commitReply(msg, { controlId: `N${id}`, now: deps.now(), error });
  await deps.context.saveReply(id, nak);
  return nak;
}

/** A repeated MSH-10 from the same sender, with the same content, gets the first message's answer. */
function duplicateReply(msg: Hl7Message, first: StoredMessage, deps: FrameDeps): string {
  if (first.reply !== null) return first.reply;
  // Commit ACKs are not written back to the store (one write per message, not two): the same
  // ACK is rebuilt, with the same MSH-10, from the first message's id.
  return commitReply(msg, { controlId: ackControlId(first.id), now: deps.now() });
}

/** Stores refused input as ERROR with its NAK, and returns the NAK. */
export async function reject(
  payload: Buffer,
  error: EngineError,
  target: AckTarget | undefined,
  deps: FrameDeps,
  extra: { messageType?: string; sourceMeta?: Record<string, unknown> } = {},
): Promise<string> {
  const controlId =
    target === undefined ? '' : (recoverAckTarget(target.header.text)?.controlId ?? '');
  const store = deps.context.services.store;
  try {
    const stored = await store.append({
      channel: deps.context.channelId,
      sender:
        target === undefined ? 'unknown' : [3, 4].map((n) => target.header.field(n)).join('/'),
      // No dedup key: a sender that fixes the message and resends it with the same MSH-10 must
      // not be answered with this NAK again.
      contentType: HL7_CONTENT_TYPE,
      raw: payload,
      messageType: extra.messageType ?? 'UNPARSEABLE',
      sourceMeta: { ...deps.sourceMeta, ...extra.sourceMeta, controlId },
    });
    const id = stored.id;
    const nak = commitReply(target ?? ANONYMOUS, { controlId: `N${id}`, now: deps.now(), error });
    await store.transition(id, {
      to: 'ERROR',
      stage: 'source',
      actor: `source:${deps.context.channelId}`,
      patch: { error: error.toJSON(), reply: nak },
    });
    return nak;
  } catch (storeError) {
    deps.context.logger.error(
      { err: (storeError as Error).message },
      'could not keep refused input',
    );
    return commitReply(target ?? ANONYMOUS, {
      controlId: deps.nakControlId(),
      now: deps.now(),
      error,
    });
  }
}
