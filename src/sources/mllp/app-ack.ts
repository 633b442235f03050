import { EngineError } from '../../engine/errors.js';
import type { MessageOutcome } from '../../engine/plugins.js';
import { ackModeOf, ackWanted, buildAck, type AckTarget } from '../../formats/hl7v2/index.js';
import type { FrameDeps } from './answer-frame.js';
import { applicationReply, commitReply, outcomeError } from './replies.js';

/**
 * Application-mode answers (HL7 v2.5 §2.9): the sender's MSH-15 (commit) and MSH-16
 * (application) conditions decide what it gets, and when.
 *
 * - Decided within `applicationTimeoutMs`: the application ACK on the connection when MSH-16
 *   wants it for that outcome; otherwise the commit ACK when MSH-15 wants it; otherwise nothing.
 * - Not decided in time, or QUEUED (a retry is due; answered at once): the interim answer on the
 *   connection when the sender waits there (original mode, MSH-15 AL/SU or MSH-16 AL), and the
 *   application ACK later through `lateReplies` when MSH-16 wants it for the outcome.
 */

export const ackControlId = (id: number): string => `A${id}`;

/** Whether the sender asked for an application ACK in some outcome (original mode: always). */
export function wantsApplicationAck(msg: AckTarget): boolean {
  return ackWanted(msg, 'application', true) || ackWanted(msg, 'application', false);
}

/** Whether the sender waits on the connection for an answer while the outcome is open. */
export function waitsOnConnection(msg: AckTarget): boolean {
  if (ackModeOf(msg) === 'original') return true;
  const applicationAlways =
    ackWanted(msg, 'application', true) && ackWanted(msg, 'application', false);
  return ackWanted(msg, 'commit', true) || applicationAlways;
}

/** The application ACK for a decided outcome, or undefined when MSH-16 does not want it. */
export function decidedReply(
  msg: AckTarget,
  outcome: MessageOutcome,
  id: number,
  now: number,
): string | undefined {
  if (!ackWanted(msg, 'application', outcomeError(outcome) === undefined)) return undefined;
  return applicationReply(msg, outcome, { controlId: ackControlId(id), now });
}

const PENDING_TEXT = 'PENDING';

/**
 * The interim answer: never a bare AA. `pending`: AA (original) or CA (enhanced) with MSA-3
 * PENDING and an ERR of severity I (SOURCE_OUTCOME_PENDING, table 0357 code 0 "Message
 * accepted"). `error`: AE in original mode, for a PAS that trusts only AA and resends.
 */
export function interimReply(msg: AckTarget, id: number, deps: FrameDeps): string {
  const pending = new EngineError(
    'SOURCE_OUTCOME_PENDING',
    'stored; the outcome is not known yet and follows as an application ACK',
  );
  const original = ackModeOf(msg) === 'original';
  const asError = original && deps.config.ack.interim === 'error';
  return buildAck(msg, {
    code: original ? (asError ? 'AE' : 'AA') : 'CA',
    controlId: ackControlId(id),
    now: deps.now(),
    text: PENDING_TEXT,
    errors: [pending],
    errorSeverity: asError ? 'W' : 'I',
  });
}

/** The application ACK sent on the outbound link: it asks the PAS for a commit ACK back. */
export function lateReply(
  msg: AckTarget,
  outcome: MessageOutcome,
  id: number,
  now: number,
): string | undefined {
  if (!ackWanted(msg, 'application', outcomeError(outcome) === undefined)) return undefined;
  return withCommitRequest(applicationReply(msg, outcome, { controlId: ackControlId(id), now }));
}

/** Sets MSH-15 AL / MSH-16 NE on an ACK so its receiver answers it (a CA). */
function withCommitRequest(ack: string): string {
  const [msh, ...rest] = ack.split('\r');
  const head = msh ?? '';
  const fs = head.charAt(3);
  const fields = head.split(fs);
  while (fields.length < 17) fields.push('');
  fields[14] = 'AL';
  fields[15] = 'NE';
  return [fields.join(fs), ...rest].join('\r');
}

/**
 * Waits for the outcome (or QUEUED) for up to the timeout and answers; when it is not decided,
 * answers the interim ACK and follows the outcome in the background.
 */
export async function applicationAnswer(
  msg: AckTarget,
  id: number,
  deps: FrameDeps,
): Promise<string | undefined> {
  const { applicationTimeoutMs } = deps.config.ack;
  const outcome = await deps.context.awaitOutcome(id, applicationTimeoutMs, { untilQueued: true });
  if (outcome !== undefined && outcome.status !== 'QUEUED') {
    const reply = decidedReply(msg, outcome, id, deps.now());
    if (reply !== undefined) {
      await deps.context.saveReply(id, reply);
      return reply;
    }
    if (!ackWanted(msg, 'commit', true)) return undefined;
    return commitReply(msg, { controlId: ackControlId(id), now: deps.now() });
  }
  // Registered before anything is awaited, so an outcome that lands meanwhile is not missed.
  const later = deps.context.awaitOutcome(id, deps.late.windowMs);
  if (!waitsOnConnection(msg)) {
    // MSH-15 NE/ER with MSH-16 ER/SU: nothing is due on the connection now.
    void follow(msg, id, later, Promise.resolve(), deps);
    return undefined;
  }
  const interim = interimReply(msg, id, deps);
  const saved = deps.context.saveReply(id, interim);
  void follow(msg, id, later, saved, deps);
  await saved;
  return interim;
}

/** The late outcome: kept as the message's reply (for resends) and sent to the PAS. */
async function follow(
  msg: AckTarget,
  id: number,
  later: Promise<MessageOutcome | undefined>,
  interimSaved: Promise<void>,
  deps: FrameDeps,
): Promise<void> {
  try {
    const outcome = await later;
    await interimSaved;
    if (outcome === undefined) return;
    const reply = lateReply(msg, outcome, id, deps.now());
    if (reply === undefined) return;
    await deps.context.saveReply(id, reply);
    if (!deps.late.configured) {
      deps.context.logger.warn(
        { stage: 'source', messageId: id },
        'late application ACK kept as the reply only: ack.lateReplies is not configured',
      );
      return;
    }
    await deps.late.send(reply, id);
  } catch (error) {
    deps.context.logger.error(
      { stage: 'source', messageId: id, err: (error as Error).message },
      'late application ACK failed',
    );
  }
}
