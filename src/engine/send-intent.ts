// engine/send-intent: what a destination records it is about to do, durably, before an effect it
// can check afterwards (a batch file under a name chosen before the write, decision 215), and
// reading that record back when a crash interrupted the send.
import type { Logger } from 'pino';
import type {
  ErsAuditEntry,
  MessageEvent,
  MessageStore,
  StoredMessage,
} from '../core/store-types.js';
import { lostLease } from './message-outcome.js';

/** The stage of the event an intent is recorded as (shown in the message's history). */
export const intentStage = (destination: string): string => `intent:${destination}`;

/**
 * Pure: the intent `destination` recorded in the interrupted pass, when the message's last event
 * is that record. Anything after it (a SENT, a failure, a reprocess, the next pass's TRANSFORMED)
 * means it no longer describes a send in flight, so an intent of an earlier pass never counts.
 */
export function interruptedIntent(
  events: readonly MessageEvent[],
  destination: string,
): Record<string, unknown> | undefined {
  const last = events.at(-1);
  return last?.stage === intentStage(destination) ? last.detail : undefined;
}

/**
 * Pure: the destination a message was being sent to when its engine stopped (crash or kill): still
 * marked in flight, with no result. Undefined for a message whose last pass finished its sends.
 */
export function interruptedDestination(message: StoredMessage): string | undefined {
  const destination = message.inFlightDestination;
  if (destination === null || destination in message.destinationResults) return undefined;
  return destination;
}

/**
 * The intent `destination`, in flight at a crash, recorded for message `id`, read only for a
 * message with an interrupted send (the rare path: one events read per interrupted message).
 */
export async function intentOfInterrupted(
  id: number,
  destination: string,
  store: MessageStore,
): Promise<{ readonly destination: string; readonly intent: Record<string, unknown> } | undefined> {
  const intent = interruptedIntent(await store.events(id), destination);
  return intent === undefined ? undefined : { destination, intent };
}

/** The transition behind `DestinationContext.recordIntent`: conditional on the lease. */
export async function recordIntent(
  run: {
    readonly message: StoredMessage;
    readonly store: MessageStore;
    readonly owner: string;
    readonly log: Logger;
    /** e-RS audit rows not yet written go with any transition, this one too (decision 180). */
    readonly audits: Omit<ErsAuditEntry, 'id'>[];
  },
  destination: string,
  intent: Record<string, unknown>,
): Promise<boolean> {
  const kept = await run.store.transition(run.message.id, {
    to: 'TRANSFORMED',
    stage: intentStage(destination),
    actor: run.owner,
    keepLease: true,
    leaseOwner: run.owner,
    detail: intent,
    patch: { inFlightDestination: destination },
    ...(run.audits.length === 0 ? {} : { ersAudit: run.audits.splice(0) }),
  });
  if (!kept) lostLease(run.log);
  return kept;
}
