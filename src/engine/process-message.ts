import type { Logger } from 'pino';
import type { RetryPolicy } from '../config/channel-schema.js';
import type {
  ErsAuditEntry,
  MessageStore,
  NewAttemptRecord,
  StoredMessage,
} from '../core/store-types.js';
import { EngineError, toEngineError } from '../core/errors.js';
import type { OutcomeSink } from './outcomes.js';
import type {
  Destination,
  DestinationContext,
  DestinationResult,
  MappedMessage,
  Transformer,
} from '../core/plugins.js';
import { fail, finish, lostLease, successRecord } from './message-outcome.js';
import { settleAmbiguous } from './settle-step.js';
import { interruptedDestination, intentOfInterrupted, recordIntent } from './send-intent.js';
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
  readonly outcomes: OutcomeSink;
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
  const interruptedAt = interruptedDestination(message);
  if (interruptedAt !== undefined) {
    const interrupted = interruptedSend(interruptedAt, pipeline);
    if (interrupted !== undefined) {
      await fail(
        message,
        pipeline,
        deps,
        interrupted,
        `destination:${interruptedAt}`,
        message.destinationResults,
      );
      return;
    }
  }
  // Read before this pass writes anything: its own TRANSFORMED would end the record (send-intent).
  const resumed =
    interruptedAt === undefined
      ? undefined
      : await intentOfInterrupted(message.id, interruptedAt, deps.store);
  const mapped = await transformStep(message, pipeline, deps, log);
  if (mapped === undefined) return;
  const run: SendRun = {
    message,
    mapped,
    pipeline,
    deps,
    log,
    results: { ...(message.destinationResults as Record<string, DestinationResult>) },
    audits: [],
    resumed,
  };
  // The first destination to call is marked in flight only once its call can go out (`ready`).
  const first = nextPending(pipeline, run.results);
  const prepared = first === null ? undefined : await readyStep(run, first);
  if (prepared === NOT_READY) return;
  if (!(await markTransformed(run, first))) return;
  await sendStep(run, prepared);
}

/** One message's pass through its destinations: what they returned and the calls' audit rows. */
interface SendRun {
  readonly message: StoredMessage;
  readonly mapped: MappedMessage;
  readonly pipeline: ChannelPipeline;
  readonly deps: ProcessDeps;
  readonly log: Logger;
  readonly results: Record<string, DestinationResult>;
  /**
   * The e-RS audit rows of the calls made since the last write: they commit with the next
   * transition (the SENT above all), not each in a commit of its own (decision 180).
   */
  readonly audits: Omit<ErsAuditEntry, 'id'>[];
  /** What the destination in flight at a crash recorded it was doing (decision 215). */
  readonly resumed:
    { readonly destination: string; readonly intent: Record<string, unknown> } | undefined;
}

function contextFor(run: SendRun, name: string, prepared?: unknown): DestinationContext {
  return {
    channelId: run.pipeline.channelId,
    logger: run.log,
    services: run.deps.services,
    message: run.message,
    mapped: run.mapped,
    previous: { ...run.results },
    now: run.deps.clock(),
    signal: run.deps.signal,
    ersAuditTo: (row: Omit<ErsAuditEntry, 'id'>) => {
      run.audits.push(row);
    },
    ...(prepared === undefined ? {} : { prepared }),
    recordIntent: (intent) =>
      recordIntent(
        {
          message: run.message,
          store: run.deps.store,
          owner: run.deps.owner,
          log: run.log,
          audits: run.audits,
        },
        name,
        intent,
      ),
    ...(run.resumed?.destination === name ? { interruptedIntent: run.resumed.intent } : {}),
  };
}

/**
 * Awaits the destination's `ready` (if it has one), before anything marks it in flight: e-RS waits
 * there for its quota slot, so a crash while it waits leaves nothing "maybe sent" behind. Returns
 * what it prepared, or NOT_READY when it failed (the message is failed here: nothing was sent).
 */
async function readyStep(run: SendRun, name: string): Promise<unknown> {
  const destination = destinationNamed(run.pipeline, name);
  if (destination?.ready === undefined) return undefined;
  try {
    return await destination.ready(contextFor(run, name));
  } catch (caught) {
    await fail(
      run.message,
      run.pipeline,
      run.deps,
      toEngineError(caught, 'transient'),
      `destination:${name}`,
      run.results,
      { destination: name, ersAudit: run.audits.splice(0) },
    );
    return NOT_READY;
  }
}

/** `readyStep` failed the message (any value a destination's `ready` returns is its own). */
const NOT_READY: unique symbol = Symbol('not ready');

const destinationNamed = (pipeline: ChannelPipeline, name: string): Destination | undefined =>
  pipeline.destinations.find((d) => d.name === name)?.destination;

const hasReady = (pipeline: ChannelPipeline, name: string): boolean =>
  destinationNamed(pipeline, name)?.ready !== undefined;

/**
 * A message claimed with a destination still marked in flight was being sent when its engine
 * stopped (crash or kill): the call may have taken effect, so it is not made again unless that
 * destination is safe to repeat (invariant 2).
 */
function interruptedSend(name: string, pipeline: ChannelPipeline): EngineError | undefined {
  if (destinationNamed(pipeline, name)?.safeToRepeat === true) return undefined;
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
  return mapped;
}

/** The TRANSFORMED write; it also marks `inFlight` (the first destination to call) in flight. */
async function markTransformed(run: SendRun, inFlight: string | null): Promise<boolean> {
  const { message, mapped, deps } = run;
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
      inFlightDestination: inFlight,
      ...(mapped.searchKeys ? { searchKeys: mapped.searchKeys } : {}),
    },
    // The reads a `ready` made (e-RS pre-reads) commit with it.
    ...(run.audits.length === 0 ? {} : { ersAudit: run.audits.splice(0) }),
  });
  if (!kept) lostLease(run.log);
  return kept;
}

async function sendStep(run: SendRun, firstPrepared: unknown): Promise<void> {
  const { message, pipeline, deps, log, results, audits } = run;
  const attempt = message.attempts + 1;
  let lastRecord: NewAttemptRecord | undefined;
  let prepared = firstPrepared;
  for (const { name, destination } of pipeline.destinations) {
    if (name in results) continue;
    const context = contextFor(run, name, prepared);
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
    // A next destination with `ready` is marked in flight only once it is ready: one write more,
    // for chained destinations only (an e-RS `then` step), and never while its call waits.
    const waits = hasReady(pipeline, next);
    if (!(await keepGoing(run, `destination:${name}`, waits ? null : next, [lastRecord]))) return;
    lastRecord = undefined;
    if (waits) {
      prepared = await readyStep(run, next);
      if (prepared === NOT_READY) return;
      if (!(await keepGoing(run, `ready:${next}`, next, []))) return;
    } else prepared = undefined;
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

/** A TRANSFORMED write between destinations: results so far, and which one is in flight now. */
async function keepGoing(
  run: SendRun,
  stage: string,
  inFlight: string | null,
  attemptRecords: NewAttemptRecord[],
): Promise<boolean> {
  const kept = await run.deps.store.transition(run.message.id, {
    to: 'TRANSFORMED',
    stage,
    actor: run.deps.owner,
    keepLease: true,
    leaseOwner: run.deps.owner,
    patch: {
      destinationResults: run.results,
      inFlightDestination: inFlight,
      ...(attemptRecords.length === 0 ? {} : { attemptRecords }),
    },
    ersAudit: run.audits.splice(0),
  });
  if (!kept) lostLease(run.log);
  return kept;
}
