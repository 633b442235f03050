// destinations/ers: performs the mapped e-RS operation through the shared e-RS client.
import { z } from 'zod';
import { EngineError } from '../../core/errors.js';
import { destinations } from '../../core/registry.js';
import type { DestinationContext } from '../../core/plugins.js';
import { requireMappingTransformer } from '../../mapping/index.js';
import { executeResolved, sendThen } from './steps.js';
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

destinations.register({
  type: 'ers',
  description: 'Call e-RS (or the embedded sandbox) with the mapped operation',
  schema: ErsDestinationSchema,
  create: (config, ctx) => {
    if (config.step === 'then') requireMappingTransformer(ctx, 'ers');
    return {
      async send(ctx) {
        const client = ctx.services.ers;
        if (!client)
          throw new EngineError(
            'ERS_UNAVAILABLE',
            'e-RS is not configured: enable the sandbox or set settings.ers.baseUrl and auth',
          );
        if (config.step === 'then') return sendThen(client, ctx, config.from);
        const { operation, input } = operationFor(config, ctx);
        const handoff = ctx.mapped.handoff;
        // Inputs only e-RS knows (version, slot, current letters) are read just before the call.
        return executeResolved(client, {
          operation,
          resolve: handoff?.mapping?.resolve,
          input: input as Record<string, unknown>,
          // The transformer checked the mapped inputs; a JSON body (`forward`) is checked here.
          validated: ctx.mapped.operation !== 'forward' && handoff?.validated === true,
          signal: ctx.signal,
          auditTo: ctx.ersAuditTo,
        });
      },
      // Issue 16: an unknown outcome on a known referral is settled by reading it back (A005).
      settle: (ctx) => settleErs(ctx.services.ers, ctx.error, ctx.signal, ctx.ersAuditTo),
    };
  },
});
