import { z } from 'zod';

export const MllpDestinationSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535),
    /** `outbound`: the HL7 texts earlier destinations put in `output.outbound`; `raw`: the message as received. */
    payload: z.enum(['outbound', 'raw']).default('outbound'),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    /** Sent but not acknowledged in this time → DEST_NO_ACK (NEEDS_REVIEW: it may have arrived). */
    ackTimeoutMs: z.number().int().min(1).default(30_000),
    /** AE/CE from the PAS: `retry` (transient, with backoff) or `reject` (ERROR). AR/CR always reject. */
    onApplicationError: z.enum(['retry', 'reject']).default('retry'),
    tls: z
      .object({
        caFile: z.string().optional(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
        rejectUnauthorized: z.boolean().default(true),
      })
      .strict()
      .optional(),
  })
  .strict();

export type MllpDestinationConfig = z.infer<typeof MllpDestinationSchema>;
