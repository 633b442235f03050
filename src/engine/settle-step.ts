import type { Logger } from 'pino';
import { outcomesSettled } from '../core/metrics.js';
import type { RetryClass } from '../core/error-codes.js';
import { EngineError, toEngineError } from '../core/errors.js';
import type { Destination, DestinationResult, SettleContext, Settlement } from '../core/plugins.js';

export type SettleOutcome =
  | { readonly kind: 'applied'; readonly result: DestinationResult }
  | { readonly kind: 'failed'; readonly error: EngineError };

/**
 * An ambiguous failure (the call may have taken effect) is settled by asking the destination's
 * far side when it can tell (issue 16): applied → carry on as if the answer had come; not
 * applied → a transient failure, retried; unknown → still ambiguous (NEEDS_REVIEW), with the
 * evidence in the error so the operator sees what was checked.
 */
export async function settleAmbiguous(
  destination: Destination,
  ctx: SettleContext,
  log: Logger,
): Promise<SettleOutcome> {
  const { error } = ctx;
  if (error.retry !== 'ambiguous' || destination.settle === undefined)
    return { kind: 'failed', error };
  let settlement: Settlement;
  try {
    settlement = await destination.settle(ctx);
  } catch (caught) {
    settlement = { outcome: 'unknown', evidence: { settleError: toEngineError(caught).code } };
  }
  outcomesSettled.inc({ channel: ctx.channelId, result: settlement.outcome });
  log.info(
    { stage: 'settle', code: error.code, outcome: settlement.outcome },
    'ambiguous outcome settled by asking the destination',
  );
  switch (settlement.outcome) {
    case 'applied':
      return {
        kind: 'applied',
        result: {
          ...settlement.result,
          output: { ...settlement.result.output, settled: 'applied' },
        },
      };
    case 'not-applied':
      return { kind: 'failed', error: withSettlement(error, 'transient', settlement) };
    case 'unknown':
      return { kind: 'failed', error: withSettlement(error, 'ambiguous', settlement) };
    default:
      return settlement satisfies never;
  }
}

/** Pure: the failure re-classed by what the settlement found, the evidence in its context. */
function withSettlement(
  error: EngineError,
  retry: RetryClass,
  settlement: Exclude<Settlement, { outcome: 'applied' }>,
): EngineError {
  const said =
    settlement.outcome === 'not-applied'
      ? 'checked: it was not applied, so it is retried'
      : 'checked, but whether it was applied cannot be told: review it';
  const settled = new EngineError(error.code, `${error.message} (${said})`, {
    ...(error.at === undefined ? {} : { at: error.at }),
    context: {
      ...error.context,
      settlement: { outcome: settlement.outcome, ...settlement.evidence },
    },
    retry,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    cause: error,
  });
  settled.attempted = error.attempted;
  return settled;
}
