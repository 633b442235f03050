import { z } from 'zod';
import { compileHl7Path } from '../../formats/hl7v2/index.js';

const hl7Path = z.string().superRefine((value, ctx) => {
  try {
    compileHl7Path(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const MllpSourceSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    port: z.coerce.number().int().min(0).max(65535).default(2575),
    /** Larger frames get a NAK (AR, SOURCE_MESSAGE_TOO_LARGE) and the connection is closed. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** A connection silent this long is closed; 0 never. */
    idleTimeoutMs: z.number().int().min(0).default(600_000),
    maxConnections: z.number().int().min(1).default(200),
    /** How to read bytes when MSH-18 is empty: `auto` takes valid UTF-8, else Windows-1252. */
    defaultCharset: z.enum(['auto', 'utf8', 'windows-1252', 'latin1']).default('auto'),
    tls: z
      .object({
        certFile: z.string(),
        keyFile: z.string(),
        caFile: z.string().optional(),
        /** Refuse clients without a certificate signed by caFile. */
        requestClientCert: z.boolean().default(false),
      })
      .strict()
      .optional(),
    ack: z
      .object({
        /** commit: ACK once durable. application: ACK with the outcome (e.g. the new UBRN). */
        mode: z.enum(['commit', 'application']).default('commit'),
        /** Application mode falls back to a commit ACK after this long. */
        applicationTimeoutMs: z.number().int().min(1).default(20_000),
      })
      .strict()
      .default({ mode: 'commit', applicationTimeoutMs: 20_000 }),
    /** HL7 paths; the first with a value orders messages (e.g. UBRN, then NHS number). */
    orderingKey: z.array(hl7Path).default(['ZRF-2', 'PID-3[CX.5=NH].1']),
    /** HL7 paths joined with `/` naming the sender, the dedup scope of MSH-10. */
    sender: z.array(hl7Path).min(1).default(['MSH-3', 'MSH-4']),
    /** Search keys for the dashboard; `hash: true` stores the SHA-256 hex, never the value. */
    searchKeys: z
      .record(z.string(), z.object({ path: hl7Path, hash: z.boolean().default(false) }).strict())
      .default({
        ubrn: { path: 'ZRF-2', hash: false },
        nhsNumberHash: { path: 'PID-3[CX.5=NH].1', hash: true },
      }),
  })
  .strict();

export type MllpSourceConfig = z.infer<typeof MllpSourceSchema>;
