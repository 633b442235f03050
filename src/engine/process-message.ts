import type { Logger } from 'pino';
import type { RetryPolicy } from '../config/channel-schema.js';
import type {
  ErsAuditEntry,
  MessageStore,
  NewAttemptRecord,
  StoredMessage,
} from '../core/store-types.js';
import { EngineError, toEngineError } from '../core/errors.js';
import type { OutcomeWaiters } from './outcomes.js';
import type {
  Destination,
  DestinationResult,
  MappedMessage,
  Transformer,
} from '../core/plugins.js';
import { decideOnFailure } from './retry-policy.js';
import { settleAmbiguous } from './settle-step.js';
import { messagesProcessed } from '../core/metrics.js';
import type { EngineServices } from '../core/services.js';

/** The parts of a channel one message passes through; swapped whole on hot reload. */
export interface ChannelPipeline {
  readonly channelId: string;
  readonly transformer: Transformer | undefined;
  readonly destinations: readonly { readonly name: string; readonly destination: Destination }[];
  readonly retry: RetryPolicy;
}

export interface ProcessDeps {
  readonly store: MessageStore;
  readonly services: EngineServices;
  readonly logger: Logger;
  readonly owner: string;
  readonly outcomes: OutcomeWaiters;
  readonly signal: AbortSignal;
  readonly clock: () => number;
}

const FORWARD: MappedMessage = {
  kind: 'mapped',
  operation: 'forward',
  input: {},
  mappingId: 'none',
  mappingHash: 'none',
};

/**
 * Runs one claimed message through transform and destinations, recording each step. A
 * destination that already succeeded (in an earlier attempt) is skipped, so a retry never
 * repeats an effect. Every write is conditional on still holding the lease.
 */
export async function processMessage(
  message: StoredMessage,
  pipeline: ChannelPipeline,
  deps: ProcessDeps,
): Promise<void> {
  const log = deps.logger.child({
    channel: pipeline.channelId,
    messageId: message.id,
    controlId: message.controlId,
  });
  const interrupted = interruptedSend(message, pipeline);
  if (interrupted !== undefined) {
    await fail(
      message,
      pipeline,
      deps,
      interrupted,
      `destination:${message.inFlightDestination ?? ''}`,
      message.destinationResults,
    );
    return;
  }
  const mapped = await transformStep(message, pipeline, deps, log);
  if (mapped === undefined) return;
  await sendStep(message, mapped, pipeline, deps, log);
}

/**
 * A message claimed with a destination still marked in flight was being sent when its engine
 * stopped (crash or kill): the call may have taken effect, so it is not made again unless that
 * destination is safe to repeat (invariant 2).
 */
function interruptedSend(
  message: StoredMessage,
  pipeline: ChannelPipeline,
): EngineError | undefined {
  const name = message.inFlightDestination;
  if (name === null || name in message.destinationResults) return undefined;
  const destination = pipeline.destinations.find((d) => d.name === name)?.destination;
  if (destination?.safeToRepeat === true) return undefined;
  return new EngineError(
    'ENGINE_INTERRUPTED_SEND',
    `the engine stopped while sending to "${name}"; it may have taken effect — check, then reprocess or resolve`,
    { at: `destination:${name}` },
  );
}

/** The first destination of the pipeline that has not succeeded yet, if any. */
const nextPending = (pipeline: ChannelPipeline, results: Record<string, unknown>): string | null =>
  pipeline.destinations.find((d) => !(d.name in results))?.name ?? null;

async function transformStep(
  message: StoredMessage,
  pipeline: ChannelPipeline,
  deps: ProcessDeps,
  log: Logger,
): Promise<MappedMessage | undefined> {
  let mapped: MappedMessage;
  try {
    const result = pipeline.transformer
      ? await pipeline.transformer.transform(message, {
          channelId: pipeline.channelId,
          logger: log,
          services: deps.services,
          now: deps.clock(),
        })
      : FORWARD;
    if (result.kind === 'filtered') {
      await finish(message, deps, {
        to: 'FILTERED',
        stage: 'transform',
        detail: { reason: result.reason },
      });
      return undefined;
    }
    mapped = result;
  } catch (error) {
    await fail(
      message,
      pipeline,
      deps,
      toEngineError(error, 'permanent'),
      'transform',
      message.destinationResults,
    );
    return undefined;
  }
  // This write also marks the first destination in flight, before it is called.
  const kept = await deps.store.transition(message.id, {
    to: 'TRANSFORMED',
    stage: 'transform',
    actor: deps.owner,
    keepLease: true,
    leaseOwner: deps.owner,
    detail: {
      operation: mapped.operation,
      mappingId: mapped.mappingId,
      mappingHash: mapped.mappingHash,
      warnings: mapped.warnings?.length ?? 0,
    },
    patch: {
      mappedInput: {
        operation: mapped.operation,
        input: mapped.input,
        warnings: mapped.warnings ?? [],
        lineage: mapped.lineage ?? {},
      },
      mappingHash: mapped.mappingHash,
      inFlightDestination: nextPending(pipeline, message.destinationResults),
      ...(mapped.searchKeys ? { searchKeys: mapped.searchKeys } : {}),
    },
  });
  if (!kept) {
    lostLease(log);
    return undefined;
  }
  return mapped;
}

async function sendStep(
  message: StoredMessage,
  mapped: MappedMessage,
  pipeline: ChannelPipeline,
  deps: ProcessDeps,
  log: Logger,
): Promise<void> {
  const results: Record<string, DestinationResult> = {
    ...(message.destinationResults as Record<string, DestinationResult>),
  };
  const attempt = message.attempts + 1;
  let lastRecord: NewAttemptRecord | undefined;
  // The e-RS audit rows of the calls made since the last write: they commit with the next
  // transition (the SENT above all), not each in a commit of its own (decision 180).
  const audits: Omit<ErsAuditEntry, 'id'>[] = [];
  for (const { name, destination } of pipeline.destinations) {
    if (name in results) continue;
    const context = {
      channelId: pipeline.channelId,
      logger: log,
      services: deps.services,
      message,
      mapped,
      previous: { ...results },
      now: deps.clock(),
      signal: deps.signal,
      ersAuditTo: (row: Omit<ErsAuditEntry, 'id'>) => {
        audits.push(row);
      },
    };
    try {
      results[name] = await destination.send(context);
    } catch (caught) {
      const error = toEngineError(caught, 'ambiguous');
      const settled = await settleAmbiguous(destination, { ...context, error }, log);
      if (settled.kind === 'failed') {
        await fail(message, pipeline, deps, settled.error, `destination:${name}`, results, {
          destination: name,
          ersAudit: audits.splice(0),
        });
        return;
      }
      results[name] = settled.result;
    }
    lastRecord = successRecord(attempt, name, results[name]);
    const next = nextPending(pipeline, results);
    if (next === null) break;
    const kept = await deps.store.transition(message.id, {
      to: 'TRANSFORMED',
      stage: `destination:${name}`,
      actor: deps.owner,
      keepLease: true,
      leaseOwner: deps.owner,
      patch: {
        destinationResults: results,
        inFlightDestination: next,
        attemptRecords: [lastRecord],
      },
      ersAudit: audits.splice(0),
    });
    lastRecord = undefined;
    if (!kept) {
      lostLease(log);
      return;
    }
  }
  const withRequest = Object.values(results)
    .filter((r) => r.request !== undefined)
    .at(-1);
  await finish(message, deps, {
    to: 'SENT',
    stage: 'send',
    detail: { destinations: Object.keys(results) },
    // The SENT commits with the audit rows of its calls, never without them.
    ersAudit: audits.splice(0),
    patch: {
      destinationResults: results,
      inFlightDestination: null,
      attempts: attempt,
      error: null,
      ...(lastRecord === undefined ? {} : { attemptRecords: [lastRecord] }),
      ...(withRequest
        ? { outboundRequest: withRequest.request, outboundResponse: withRequest.response ?? null }
        : {}),
    },
  });
  log.debug({ stage: 'send' }, 'message sent');
}

/** Pure: the history row of one destination call that succeeded. */
function successRecord(
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

async function fail(
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

async function finish(
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

function lostLease(log: Logger): void {
  // Another worker took the message over after our lease expired; its run is the one that counts.
  log.warn({ stage: 'engine' }, 'lease lost; leaving the message to its new owner');
}
