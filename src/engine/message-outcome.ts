// engine/message-outcome: the writes that end one pass of a message (SENT, a failure) and the
// history row of a call that succeeded; split from process-message, which decides when.
import type { Logger } from 'pino';
import type {
  ErsAuditEntry,
  MessageStore,
  NewAttemptRecord,
  StoredMessage,
} from '../core/store-types.js';
import type { EngineError } from '../core/errors.js';
import type { DestinationResult } from '../core/plugins.js';
import { decideOnFailure } from './retry-policy.js';
import { messagesProcessed } from '../core/metrics.js';
import type { ChannelPipeline, ProcessDeps } from './process-message.js';

/** Pure: the history row of one destination call that succeeded. */
export function successRecord(
  attempt: number,
  destination: string,
  result: DestinationResult | undefined,
): NewAttemptRecord {
  return {
    attempt,
    destination,
    outcome: 'SENT',
    request: result?.request ?? null,
    response: result?.response ?? null,
    error: null,
  };
}

export async function fail(
  message: StoredMessage,
  pipeline: ChannelPipeline,
  deps: ProcessDeps,
  error: EngineError,
  stage: string,
  results: Record<string, unknown>,
  call: {
    /** The destination whose call failed: its attempt goes into the history. */
    readonly destination?: string;
    /** e-RS audit rows of the calls not yet written: they commit with this failure. */
    readonly ersAudit?: readonly Omit<ErsAuditEntry, 'id'>[];
  } = {},
): Promise<void> {
  const { destination } = call;
  const attempts = message.attempts + 1;
  const decision = decideOnFailure({
    retry: error.retry,
    attempts,
    policy: pipeline.retry,
    now: deps.clock(),
    retryAfterMs: error.retryAfterMs,
  });
  deps.logger.warn(
    {
      channel: pipeline.channelId,
      messageId: message.id,
      stage,
      code: error.code,
      at: error.at,
      status: decision.status,
    },
    'message failed',
  );
  const sent = error.attempted;
  // A mapping that failed still names itself, so the operator knows which version to fix.
  const mappingHash = error.context['mappingHash'];
  await finish(message, deps, {
    to: decision.status,
    stage,
    detail: { code: error.code, retry: error.retry, attempt: attempts },
    ...(call.ersAudit === undefined ? {} : { ersAudit: call.ersAudit }),
    patch: {
      error: error.toJSON(),
      inFlightDestination: null,
      attempts,
      destinationResults: results,
      ...(decision.nextAttemptAt !== undefined ? { nextAttemptAt: decision.nextAttemptAt } : {}),
      // What was sent stays visible (NEEDS_REVIEW above all: the operator checks e-RS for it).
      ...(sent?.request === undefined
        ? {}
        : { outboundRequest: sent.request, outboundResponse: sent.response ?? null }),
      ...(typeof mappingHash === 'string' ? { mappingHash } : {}),
      ...(destination === undefined
        ? {}
        : {
            attemptRecords: [
              {
                attempt: attempts,
                destination,
                outcome: decision.status,
                request: sent?.request ?? null,
                response: sent?.response ?? null,
                error: error.toJSON(),
              },
            ],
          }),
    },
  });
}

export async function finish(
  message: StoredMessage,
  deps: ProcessDeps,
  t: {
    to: StoredMessage['status'];
    stage: string;
    detail?: Record<string, unknown>;
    patch?: Parameters<MessageStore['transition']>[1]['patch'];
    ersAudit?: readonly Omit<ErsAuditEntry, 'id'>[];
  },
): Promise<void> {
  const ok = await deps.store.transition(message.id, {
    ...t,
    actor: deps.owner,
    leaseOwner: deps.owner,
  });
  if (!ok) {
    lostLease(deps.logger);
    return;
  }
  messagesProcessed.inc({ channel: message.channel, status: t.to });
  // Reading the outcome back costs a query per message: only when a source waits for it. QUEUED
  // is settled too, for waiters that asked for it (an MLLP interim answer).
  if (!deps.outcomes.isWaitedFor(message.id)) return;
  const stored = await deps.store.get(message.id);
  if (stored) {
    deps.outcomes.settle({
      id: stored.id,
      status: stored.status,
      reply: stored.reply,
      error: stored.error,
      outboundResponse: stored.outboundResponse,
      destinationResults: stored.destinationResults,
    });
  }
}

export function lostLease(log: Logger): void {
  // Another worker took the message over after our lease expired; its run is the one that counts.
  log.warn({ stage: 'engine' }, 'lease lost; leaving the message to its new owner');
}
