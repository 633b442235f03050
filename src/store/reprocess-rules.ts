import type { MessageStatus, ReprocessRefusal } from '../core/store-types.js';

/** The facts about a stored message that decide whether it may be reprocessed. */
export interface ReprocessFacts {
  readonly status: MessageStatus;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  readonly inFlightDestination: string | null;
  readonly destinationResults: Record<string, unknown>;
}

export type ReprocessDecision =
  | { readonly ok: true; readonly fresh: boolean; readonly resend: readonly string[] }
  | { readonly ok: false; readonly reason: ReprocessRefusal; readonly resend?: readonly string[] };

/**
 * Pure: whether a reprocess may go ahead (shared by both stores, run inside their transaction).
 * A leased message is being worked on, and clearing its lease would let a second worker send it
 * while the first call is still out (issue 16: two referrals). A message with a destination in
 * flight and no live lease lost its engine mid-call: the next claim settles it, so a reprocess
 * must be forced. A SENT message is sent again from scratch, repeating its effects: only forced.
 */
export function decideReprocess(
  facts: ReprocessFacts,
  options: { readonly now: number; readonly force: boolean },
): ReprocessDecision {
  const leased =
    facts.leaseOwner !== null && facts.leaseUntil !== null && facts.leaseUntil >= options.now;
  if (leased) return { ok: false, reason: 'leased' };
  if (facts.inFlightDestination !== null && !options.force)
    return { ok: false, reason: 'in-flight' };
  const fresh = facts.status === 'SENT' || facts.status === 'FILTERED';
  const resend = fresh ? Object.keys(facts.destinationResults) : [];
  if (facts.status === 'SENT' && resend.length > 0 && !options.force)
    return { ok: false, reason: 'effect-succeeded', resend };
  return { ok: true, fresh, resend };
}
