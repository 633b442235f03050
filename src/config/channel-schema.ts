import { z } from 'zod';

/** Retry policy of a channel; used by the engine's pure backoff function. */
export const RetryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(1000).default(10),
    initialDelayMs: z.number().int().min(0).default(2_000),
    maxDelayMs: z.number().int().min(0).default(600_000),
    multiplier: z.number().min(1).max(10).default(2),
    /** Spread of random jitter around each delay, 0–1 (0.2 = ±20%). */
    jitterRatio: z.number().min(0).max(1).default(0.2),
  })
  .strict();
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/**
 * Messages the channel accepts but leaves out, before any mapping: FILTERED, answered AA/CA,
 * counted. Conditions are the mapping language's, compiled at load (see src/mapping/filter.ts);
 * `input` says how to read the message (the channel's sources carry one kind).
 */
export const ChannelFilterSchema = z
  .object({
    input: z.enum(['hl7v2', 'csv', 'json', 'xml']).default('hl7v2'),
    drop: z.string().min(1).optional(),
    keep: z.string().min(1).optional(),
    reason: z.string().min(1).optional(),
  })
  .strict()
  .refine((f) => f.drop !== undefined || f.keep !== undefined, {
    message: 'a filter needs drop: <condition> or keep: <condition>',
  });
export type ChannelFilter = z.infer<typeof ChannelFilterSchema>;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const pluginRef = z.looseObject({ type: z.string().min(1) });

/** The frame of a channel file; each plugin slice is then validated by its plugin's schema. */
export const ChannelFileSchema = z
  .object({
    id: z.string().regex(NAME, 'must be lower-case letters, digits and dashes'),
    name: z.string().optional(),
    description: z.string().optional(),
    enabled: z.boolean().default(true),
    source: pluginRef,
    filter: ChannelFilterSchema.optional(),
    transformer: pluginRef.optional(),
    destinations: z
      .array(
        pluginRef.extend({
          name: z.string().regex(NAME, 'must be lower-case letters, digits and dashes'),
        }),
      )
      .min(1),
    retry: RetryPolicySchema.default({
      maxAttempts: 10,
      initialDelayMs: 2_000,
      maxDelayMs: 600_000,
      multiplier: 2,
      jitterRatio: 0.2,
    }),
    workers: z.number().int().min(1).max(64).default(4),
    /**
     * Messages each worker claims and processes together, so their store writes share commits
     * (decision 140). Destinations see up to workers × batch calls at once. Default with more
     * than one worker: 16 when every destination is safe to repeat (local writes: file, letter),
     * otherwise 2 (network calls: enough to hide their latency without slowing the ACKs much,
     * decision 180); with one worker, 1. A local destination may ask for more (the file
     * destination's `mode: batch-file`: 64, decision 195).
     */
    batch: z.number().int().min(1).max(256).optional(),
    /** A sender's control id seen before with other content: `process` it as a new message with
     * a CONTROL_ID_REUSED warning (default), or `refuse` it (kept as ERROR, NAKed). */
    controlIdReuse: z.enum(['process', 'refuse']).default('process'),
  })
  .strict();

export interface PluginConfig {
  readonly type: string;
  readonly config: unknown;
}

export interface ChannelDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly file: string;
  /** sha256 of the channel file text, shown to operators and logged on reload. */
  readonly hash: string;
  readonly enabled: boolean;
  readonly source: PluginConfig;
  readonly filter?: ChannelFilter | undefined;
  readonly transformer: PluginConfig | undefined;
  readonly destinations: readonly (PluginConfig & {
    readonly name: string;
    /** Line of its `type` in the channel file, for build-time errors (absent when built in code). */
    readonly line?: number;
  })[];
  readonly retry: RetryPolicy;
  readonly workers: number;
  /** Messages a worker claims and processes together; undefined: the default (see the schema),
   * resolved by the channel runtime, which knows the destinations. */
  readonly batch: number | undefined;
  readonly controlIdReuse: 'process' | 'refuse';
}
