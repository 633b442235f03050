import { EngineError } from '../../core/errors.js';
import type { DestinationContext, DestinationResult } from '../../core/plugins.js';
import type { ErsAuditSink, ErsClient, ErsResult } from '../../ers/client.js';
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

export interface ResolvedCall {
  readonly operation: string;
  /** The mapping step's `resolve` (inputs e-RS supplies just before the call), if any. */
  readonly resolve: CompiledResolve | undefined;
  readonly input: Record<string, unknown>;
  /** True when `input` already passed the operation's schema (the transformer checked it). */
  readonly validated: boolean;
  readonly signal: AbortSignal;
  /** Where the calls' audit rows go (decision 180); absent: the client writes them. */
  readonly auditTo?: ErsAuditSink | undefined;
}

/**
 * Calls the operation with what e-RS told filled in. An A012 whose new letters are already on
 * the referral is not sent again: it would change nothing (an earlier attempt linked them).
 * A version conflict (409: the version sent is not the referral's current one, e.g. the PAS's is
 * stale) re-reads the referral (A005) once and sends again with its current version.
 */
export async function executeResolved(
  client: ErsClient,
  call: ResolvedCall,
): Promise<DestinationResult> {
  const { operation, resolve, input, signal, auditTo } = call;
  const attempt = async (given: Record<string, unknown>): Promise<DestinationResult> => {
    const answers = await readAnswers(client, resolve, given, signal, operation, auditTo);
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
      }),
    );
  };
  try {
    return await attempt(input);
  } catch (error) {
    if (!(resolve?.version === true && isVersionConflict(error))) throw error;
    const { version: _stale, ...rest } = input;
    return attempt(rest);
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
 * destination so the engine never repeats the first call when only this one failed.
 */
export async function sendThen(
  client: ErsClient,
  ctx: DestinationContext,
  from: string,
): Promise<DestinationResult> {
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
  const result = await executeResolved(client, {
    operation: step.operation,
    resolve: mapping.then.resolve,
    input: step.input,
    // evaluateThen checked the step's inputs against the operation's schema.
    validated: operationInputSchema(step.operation) !== undefined,
    signal: ctx.signal,
    auditTo: ctx.ersAuditTo,
  });
  return { ...result, output: { ...result.output, operation: step.operation } };
}
