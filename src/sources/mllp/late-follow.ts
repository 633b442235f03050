import type { MessageOutcome, SourceContext } from '../../core/plugins.js';
import { parseHl7, withCommitRequest, type AckTarget } from '../../formats/hl7v2/index.js';
import { CLAIMABLE_STATUSES, type StoredMessage } from '../../core/store-types.js';
import { lateReply } from './app-ack.js';
import type { LateReplySender } from './late-replies.js';
import type { MllpSourceConfig } from './schema.js';

export interface FollowDeps {
  readonly context: SourceContext;
  readonly late: LateReplySender;
  readonly now: () => number;
}

/**
 * The outcome of a message whose sender got the interim answer: kept as the message's reply
 * (a resend of the same MSH-10 gets it) and sent to the PAS through `ack.lateReplies`. The
 * pending entry is dropped once that is settled, and kept when the engine stops first.
 */
export async function followOutcome(
  msg: AckTarget,
  id: number,
  later: Promise<MessageOutcome | undefined>,
  deps: FollowDeps,
): Promise<void> {
  const log = deps.context.logger;
  try {
    const outcome = await later;
    if (outcome !== undefined) await answerLate(msg, outcome, deps);
    if (!deps.late.stopped) await deps.late.pending.remove(id);
  } catch (error) {
    log.error(
      { stage: 'source', messageId: id, err: (error as Error).message },
      'late application ACK failed',
    );
  }
}

async function answerLate(
  msg: AckTarget,
  outcome: MessageOutcome,
  deps: FollowDeps,
): Promise<void> {
  const reply = lateReply(msg, outcome, outcome.id, deps.now());
  if (reply === undefined) return;
  await deps.context.saveReply(outcome.id, reply);
  if (!deps.late.configured) {
    deps.context.logger.warn(
      { stage: 'source', messageId: outcome.id },
      'late application ACK kept as the reply only: ack.lateReplies is not configured',
    );
    return;
  }
  await deps.late.send(withCommitRequest(reply), outcome.id);
}

const outcomeOf = (m: StoredMessage): MessageOutcome => ({
  id: m.id,
  status: m.status,
  reply: m.reply,
  error: m.error,
  outboundResponse: m.outboundResponse,
  destinationResults: m.destinationResults,
});

/** After a restart: follows again every message still owed its application ACK. */
export async function resumePending(
  config: Pick<MllpSourceConfig, 'defaultCharset'>,
  deps: FollowDeps,
): Promise<number> {
  const ids = await deps.late.pending.list();
  for (const id of ids) {
    const later = deps.context.awaitOutcome(id, deps.late.windowMs);
    const m = await deps.context.services.store.get(id);
    if (m?.raw == null) {
      await deps.late.pending.remove(id);
      continue;
    }
    const msg = parseHl7(m.raw, { defaultCharset: config.defaultCharset });
    const decided = CLAIMABLE_STATUSES.includes(m.status) ? later : Promise.resolve(outcomeOf(m));
    void followOutcome(msg, id, decided, deps);
  }
  return ids.length;
}
