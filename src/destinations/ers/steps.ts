import { EngineError } from '../../core/errors.js';
import type { DestinationContext, DestinationResult } from '../../core/plugins.js';
import type { ErsAuditSink, ErsClient, ErsResult } from '../../ers/client.js';
import type { QuotaSlot } from '../../ers/quota.js';
import { operationInputSchema } from '../../ers/operations/index.js';
import { slotSearchFacts } from '../../ers/readers/referral.js';
import {
  evaluateThen,
  isVersionConflict,
  lettersAlreadyLinked,
  mergePages,
  readsFor,
  resolveInputs,
  wantsNextPage,
  type CompiledResolve,
  type ErsAnswers,
} from '../../mapping/index.js';
import { callErs } from './settle.js';

/**
 * Reads what the mapping's `resolve` asks e-RS for (A005 referral, A015 slots, page by page) just
 * before the call — so a retry reads again — unless the message already carries it.
 */
export async function readAnswers(
  client: ErsClient,
  resolve: CompiledResolve | undefined,
  input: Record<string, unknown>,
  signal: AbortSignal,
  /** The operation these inputs are for: the A005 pre-read goes out under its role. */
  forOperation?: string,
  /** Where the reads' audit rows go (decision 180); absent: the client writes them. */
  auditTo?: ErsAuditSink,
): Promise<ErsAnswers> {
  if (resolve === undefined) return {};
  const answers: { -readonly [K in keyof ErsAnswers]: ErsAnswers[K] } = {};
  const reads = readsFor(resolve, input);
  if (reads.referral)
    answers.A005 = (
      await client.execute(
        'A005',
        { ubrn: input['ubrn'] },
        { signal, roleOf: forOperation, auditTo },
      )
    ).resource;
  if (reads.slots) {
    // A015 needs the referral's priority and Commissioning-Rule-Org (the spec requires both).
    const query = {
      serviceId: input['serviceId'],
      count: resolve.slotPages?.pageSize ?? 20,
      ...slotSearchFacts(answers.A005),
    };
    const pages: unknown[] = [];
    do {
      const page = pages.length + 1;
      pages.push((await client.execute('A015', { ...query, page }, { signal, auditTo })).resource);
    } while (wantsNextPage(resolve, pages, input['start']));
    answers.A015 = mergePages(pages);
  }
  return answers;
}

/** The call one send makes: the operation, its inputs and what e-RS supplies just before it. */
export interface PlannedCall {
  readonly operation: string;
  /** The mapping step's `resolve` (inputs e-RS supplies just before the call), if any. */
  readonly resolve: CompiledResolve | undefined;
  readonly input: Record<string, unknown>;
  /** True when `input` already passed the operation's schema (the transformer checked it). */
  readonly validated: boolean;
}

/** What was done before the engine marked the call in flight: the reads, and the write's slot. */
export interface CallReadiness {
  readonly answers: ErsAnswers;
  /** Absent when there is nothing to send (the letters are already linked). */
  readonly slot: QuotaSlot | undefined;
}

export interface ResolvedCall extends PlannedCall {
  readonly signal: AbortSignal;
  /** Where the calls' audit rows go (decision 180); absent: the client writes them. */
  readonly auditTo?: ErsAuditSink | undefined;
  /** Made ready before the in-flight marker (`readyCall`); absent: the reads happen here. */
  readonly ready?: CallReadiness | undefined;
}

/**
 * Makes the reads the call needs (safe to repeat: GETs) and then waits for the write's quota
 * slot, so the engine marks the call in flight only once it can go out (decision 180).
 */
export async function readyCall(
  client: ErsClient,
  call: PlannedCall & { readonly signal: AbortSignal; readonly auditTo?: ErsAuditSink | undefined },
): Promise<CallReadiness> {
  const { operation, resolve, input, signal, auditTo } = call;
  const answers = await readAnswers(client, resolve, input, signal, operation, auditTo);
  if (lettersAlreadyLinked(resolve, input, answers)) return { answers, slot: undefined };
  return { answers, slot: await client.reserveQuota(signal) };
}

/**
 * Calls the operation with what e-RS told filled in. An A012 whose new letters are already on
 * the referral is not sent again: it would change nothing (an earlier attempt linked them).
 * A version conflict (409: the version sent is not the referral's current one, e.g. the PAS's is
 * stale) re-reads the referral (A005) once and sends again with its current version; that second
 * try queues for the quota again, already marked in flight (rare: decision 180).
 */
export async function executeResolved(
  client: ErsClient,
  call: ResolvedCall,
): Promise<DestinationResult> {
  const { operation, resolve, input, signal, auditTo } = call;
  const attempt = async (
    given: Record<string, unknown>,
    ready: CallReadiness | undefined,
  ): Promise<DestinationResult> => {
    const answers =
      ready?.answers ?? (await readAnswers(client, resolve, given, signal, operation, auditTo));
    if (lettersAlreadyLinked(resolve, given, answers))
      return { output: { skipped: 'the new letters are already on the referral' } };
    const resolved = resolve === undefined ? given : resolveInputs(resolve, given, answers);
    // callErs: a failure carries what was sent, so an unknown outcome can be settled (issue 16).
    // Resolved inputs are new values: only inputs without any are known to be checked already.
    return resultOf(
      await callErs(client, operation, resolved, {
        signal,
        validated: call.validated && resolve === undefined,
        auditTo,
        slot: ready?.slot,
      }),
    );
  };
  try {
    return await attempt(input, call.ready);
  } catch (error) {
    if (!(resolve?.version === true && isVersionConflict(error))) throw error;
    const { version: _stale, ...rest } = input;
    return attempt(rest, undefined);
  }
}

export function resultOf(result: ErsResult): DestinationResult {
  const { request } = result;
  return {
    request: { method: request.method, path: request.path, body: request.body ?? null },
    response: {
      status: result.status,
      transactionId: result.transactionId ?? null,
      resource: result.resource ?? null,
    },
    output: result.output,
  };
}

/**
 * The mapping's `then` operation (e.g. A012 link after the A020 upload), as its own channel
 * destination so the engine never repeats the first call when only this one failed. Its call, or
 * its result when there is nothing to call.
 */
export async function planThen(
  ctx: DestinationContext,
  from: string,
): Promise<PlannedCall | DestinationResult> {
  const { mapping, parsed } = ctx.mapped.handoff ?? {};
  if (mapping?.then === undefined || parsed === undefined)
    return { output: { skipped: 'the mapping has no then step' } };
  const first = ctx.previous[from];
  if (first === undefined)
    throw new EngineError(
      'MAP_NO_MATCHING_MAPPING',
      `then step of ${mapping.id}: no result of destination "${from}" before it`,
    );
  // The message as the transformer parsed it: the then step's rules read it without parsing again.
  const step = await evaluateThen(mapping, parsed, ctx.mapped.input, first.output ?? {});
  return {
    operation: step.operation,
    resolve: mapping.then.resolve,
    input: step.input,
    // evaluateThen checked the step's inputs against the operation's schema.
    validated: operationInputSchema(step.operation) !== undefined,
  };
}
