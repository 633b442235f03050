// destinations/ers: performs the mapped e-RS operation through the shared e-RS client.
import { z } from 'zod';
import { EngineError } from '../../engine/errors.js';
import { destinations } from '../../engine/registry.js';
import type { DestinationContext } from '../../engine/plugins.js';

const ErsDestinationSchema = z
  .object({
    /** Fixed operation for channels without a mapping (the message body is then the logical inputs as JSON). */
    operation: z
      .string()
      .regex(/^A\d{3}$/)
      .optional(),
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
  create: (config) => ({
    async send(ctx) {
      const client = ctx.services.ers;
      if (!client)
        throw new EngineError(
          'ERS_UNAVAILABLE',
          'e-RS is not configured: enable the sandbox or set settings.ers.baseUrl and auth',
        );
      const { operation, input } = operationFor(config, ctx);
      const result = await client.execute(operation, input, { signal: ctx.signal });
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
    },
  }),
});
