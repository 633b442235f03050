/**
 * A test destination plugin registered through the public registry, as any stage's would be:
 * it records the order messages reach it and fails on request, so tests can watch the engine's
 * ordering and retry policy through a real channel.
 */
import { z } from 'zod';
import { EngineError } from '../../src/core/errors.js';
import { destinations } from '../../src/core/registry.js';

export interface Recorded {
  readonly channel: string;
  readonly id: number;
  readonly body: string;
  readonly key: string | null;
  /** Whether the engine's abort signal was already set when the message reached the destination. */
  readonly aborted: boolean;
}

export const recorded: Recorded[] = [];
let concurrent = 0;
export let maxConcurrent = 0;
export const resetRecorder = (): void => {
  recorded.length = 0;
  maxConcurrent = 0;
};

const Schema = z
  .object({
    /** Fail with this error code while the body contains `fail` (the catalogue decides the class). */
    failWith: z.enum(['DEST_UNAVAILABLE', 'DEST_NO_ACK', 'DEST_REJECTED']).optional(),
    maxDelayMs: z.number().int().min(0).default(0),
    /** A fixed wait before recording, so a test can hold a message in flight. */
    delayMs: z.number().int().min(0).default(0),
  })
  .strict();

if (destinations.get('test-recorder') === undefined) {
  destinations.register({
    type: 'test-recorder',
    description: 'test only: records arrival order',
    schema: Schema,
    create: (config: z.infer<typeof Schema>) => ({
      async send(ctx) {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        try {
          const body = ctx.message.raw?.toString() ?? '';
          const aborted = ctx.signal.aborted;
          if (config.maxDelayMs > 0)
            await new Promise((r) => setTimeout(r, Math.random() * config.maxDelayMs));
          if (config.delayMs > 0) await new Promise((r) => setTimeout(r, config.delayMs));
          if (config.failWith && body.includes('fail'))
            throw new EngineError(config.failWith, 'asked to fail');
          recorded.push({
            channel: ctx.channelId,
            id: ctx.message.id,
            body,
            key: ctx.message.orderingKey,
            aborted,
          });
          return { output: { seen: recorded.length } };
        } finally {
          concurrent--;
        }
      },
    }),
  });
}
