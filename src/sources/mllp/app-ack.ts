import type { MessageOutcome } from '../../core/plugins.js';
import {
  ackModeOf,
  ackWanted,
  buildAck,
  escapeHl7,
  type AckTarget,
  type ErrSeverity,
  type Hl7Delimiters,
} from '../../formats/hl7v2/index.js';
import type { FrameDeps } from './answer-frame.js';
import { followOutcome } from './late-follow.js';
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
  // A filtered message was accepted and left out on purpose: no application acts on it, so an
  // enhanced-mode sender gets the accept (CA) it asked for at either level, never an AA.
  if (outcome.status === 'FILTERED' && ackModeOf(msg) === 'enhanced') {
    if (!ackWanted(msg, 'commit', true) && !ackWanted(msg, 'application', true)) return undefined;
    return commitReply(msg, { controlId: ackControlId(id), now });
  }
  if (!ackWanted(msg, 'application', outcomeError(outcome) === undefined)) return undefined;
  return applicationReply(msg, outcome, { controlId: ackControlId(id), now });
}

const PENDING_TEXT = 'PENDING';
/** ERR-5 of the interim marker: not an error, so not in the error catalogue. */
export const OUTCOME_PENDING = 'OUTCOME_PENDING';

/** ERR marking an interim answer: table 0357 code 0 "Message accepted", severity I (or W). */
function pendingErr(d: Hl7Delimiters, severity: ErrSeverity): string {
  const text = 'stored; the outcome is not known yet and follows as an application ACK';
  return [
    'ERR',
    '',
    '',
    ['0', 'Message accepted', 'HL70357'].join(d.component),
    severity,
    [OUTCOME_PENDING, '', 'ERSBRIDGE'].join(d.component),
    '',
    '',
    escapeHl7(text, d),
  ].join(d.field);
}

/**
 * The interim answer: never a bare AA. `pending`: AA (original) or CA (enhanced) with MSA-3
 * PENDING and an ERR of severity I (ERR-3 code 0 "Message accepted", ERR-5 OUTCOME_PENDING).
 * `error`: AE in original mode (ERR severity W), for a PAS that trusts only AA and resends.
 */
export function interimReply(msg: AckTarget, id: number, deps: FrameDeps): string {
  const original = ackModeOf(msg) === 'original';
  const asError = original && deps.config.ack.interim === 'error';
  return buildAck(msg, {
    code: original ? (asError ? 'AE' : 'AA') : 'CA',
    controlId: ackControlId(id),
    now: deps.now(),
    text: PENDING_TEXT,
    segments: [pendingErr(msg.delimiters, asError ? 'W' : 'I')],
  });
}

/** The application ACK for an outcome decided after the interim answer, if MSH-16 wants it. */
export function lateReply(
  msg: AckTarget,
  outcome: MessageOutcome,
  id: number,
  now: number,
): string | undefined {
  if (!ackWanted(msg, 'application', outcomeError(outcome) === undefined)) return undefined;
  return applicationReply(msg, outcome, { controlId: ackControlId(id), now });
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
  // Kept durably before the interim answer, so a restart still sends the outcome.
  await deps.late.pending.add(id);
  if (!waitsOnConnection(msg)) {
    // MSH-15 NE/ER with MSH-16 ER/SU: nothing is due on the connection now.
    void followOutcome(msg, id, later, deps);
    return undefined;
  }
  const interim = interimReply(msg, id, deps);
  await deps.context.saveReply(id, interim);
  void followOutcome(msg, id, later, deps);
  return interim;
}
