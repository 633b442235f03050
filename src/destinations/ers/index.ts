// destinations/ers: performs the mapped e-RS operation through the shared e-RS client.
import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import { destinations } from '../../core/registry.js';
import type { DestinationContext, DestinationResult } from '../../core/plugins.js';
import { requireMappingTransformer } from '../../mapping/index.js';
import type { ErsClient } from '../../ers/client.js';
import {
  executeResolved,
  planThen,
  readyCall,
  type CallReadiness,
  type PlannedCall,
} from './steps.js';
import { settleErs } from './settle.js';

const ErsDestinationSchema = z
  .object({
    /** Fixed operation for channels without a mapping (the message body is then the logical inputs as JSON). */
    operation: z
      .string()
      .regex(/^A\d{3}$/)
      .optional(),
    /** `then`: run the mapping's `then` operation with the answer of destination `from`. */
    step: z.enum(['main', 'then']).default('main'),
    from: z.string().min(1).default('ers'),
  })
  .strict();

/** Pure: which operation and inputs to run — the mapping's, or the channel's with a JSON body. */
export function operationFor(
  config: z.infer<typeof ErsDestinationSchema>,
  ctx: Pick<DestinationContext, 'mapped' | 'message'>,
): { operation: string; input: unknown } {
  if (ctx.mapped.operation !== 'forward')
    return { operation: ctx.mapped.operation, input: ctx.mapped.input };
  if (config.operation === undefined)
    throw new EngineError(
      'MAP_NO_MATCHING_MAPPING',
      'no mapping chose an e-RS operation and the ers destination names none',
    );
  try {
    return {
      operation: config.operation,
      input: JSON.parse(ctx.message.raw?.toString('utf8') ?? '') as unknown,
    };
  } catch {
    throw new EngineError('FORMAT_UNPARSEABLE', 'the message body is not JSON logical inputs', {
      at: 'body',
    });
  }
}

type ErsConfig = z.infer<typeof ErsDestinationSchema>;

/** The call this send makes (the mapping's, its `then` step, or the channel's), or its result. */
async function planFor(
  config: ErsConfig,
  ctx: DestinationContext,
): Promise<PlannedCall | DestinationResult> {
  if (config.step === 'then') return planThen(ctx, config.from);
  const { operation, input } = operationFor(config, ctx);
  const handoff = ctx.mapped.handoff;
  return {
    operation,
    // Inputs only e-RS knows (version, slot, current letters) are read just before the call.
    resolve: handoff?.mapping?.resolve,
    input: input as Record<string, unknown>,
    // The transformer checked the mapped inputs; a JSON body (`forward`) is checked here.
    validated: ctx.mapped.operation !== 'forward' && handoff?.validated === true,
  };
}

const isCall = (plan: PlannedCall | DestinationResult): plan is PlannedCall => 'operation' in plan;

/**
 * What `ready` hands `send` (decision 180): the planned call, its reads made and its quota slot
 * held, so the engine marks the message in flight only once the call can go out.
 */
class ErsReady {
  constructor(
    readonly plan: PlannedCall | DestinationResult,
    readonly call: CallReadiness | undefined,
  ) {}
}

function clientOf(ctx: DestinationContext): ErsClient {
  const client = ctx.services.ers;
  if (!client)
    throw new EngineError(
      'ERS_UNAVAILABLE',
      'e-RS is not configured: enable the sandbox or set settings.ers.baseUrl and auth',
    );
  return client;
}

destinations.register({
  type: 'ers',
  description: 'Call e-RS (or the embedded sandbox) with the mapped operation',
  schema: ErsDestinationSchema,
  create: (config, ctx) => {
    if (config.step === 'then') requireMappingTransformer(ctx, 'ers');
    return {
      async ready(ctx) {
        const client = clientOf(ctx);
        const plan = await planFor(config, ctx);
        if (!isCall(plan)) return new ErsReady(plan, undefined);
        const call = await readyCall(client, {
          ...plan,
          signal: ctx.signal,
          auditTo: ctx.ersAuditTo,
        });
        return new ErsReady(plan, call);
      },
      async send(ctx) {
        const client = clientOf(ctx);
        // Called without `ready` (outside the engine): plans, reads and queues for the quota here.
        const ready = ctx.prepared instanceof ErsReady ? ctx.prepared : undefined;
        const plan = ready?.plan ?? (await planFor(config, ctx));
        if (!isCall(plan)) return plan;
        const result = await executeResolved(client, {
          ...plan,
          signal: ctx.signal,
          auditTo: ctx.ersAuditTo,
          ready: ready?.call,
        });
        return config.step === 'then'
          ? { ...result, output: { ...result.output, operation: plan.operation } }
          : result;
      },
      // Issue 16: an unknown outcome on a known referral is settled by reading it back (A005).
      settle: (ctx) => settleErs(ctx.services.ers, ctx.error, ctx.signal, ctx.ersAuditTo),
    };
  },
});
