import { z } from 'zod';
import { compileHl7Path } from '../../formats/hl7v2/index.js';

const hl7Path = z.string().superRefine((value, ctx) => {
  try {
    compileHl7Path(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/** Where application ACKs decided after the interim answer go: the PAS's inbound MLLP port. */
const LateRepliesSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535),
    connectTimeoutMs: z.number().int().min(1).default(10_000),
    ackTimeoutMs: z.number().int().min(1).default(30_000),
    /** Tries per late ACK (a PAS that is down), a minute apart at most. */
    attempts: z.number().int().min(1).default(10),
    /** How long after the interim answer an outcome is still sent on. */
    windowMs: z.number().int().min(1).max(2_147_483_647).default(86_400_000),
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
export type LateRepliesConfig = z.infer<typeof LateRepliesSchema>;

export const InterimAnswer = { pending: 'pending', error: 'error' } as const;

export const MllpSourceSchema = z
  .object({
    /** 127.0.0.1 unless a PAS on another host must reach it: then 0.0.0.0 or this host's address. */
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(2575),
    /** Larger frames get a NAK (AR, SOURCE_MESSAGE_TOO_LARGE), are kept as ERROR, and the connection is closed. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * 1024 * 1024),
    /** Bytes of unfinished frames held across all connections; the frame that passes it is refused. */
    maxBufferedBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    /** A connection with no complete frame for this long is closed (bytes alone do not count); 0 never. */
    idleTimeoutMs: z.number().int().min(0).default(600_000),
    /** A frame must end this long after it starts, however slowly its bytes come; 0 never. */
    frameTimeoutMs: z.number().int().min(0).default(60_000),
    maxConnections: z.number().int().min(1).default(200),
    /** Connections from one remote address; more are refused (a PAS needs a handful). */
    maxConnectionsPerAddress: z.number().int().min(1).default(32),
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
        /** Application mode answers the interim ACK after this long (at once when QUEUED). */
        applicationTimeoutMs: z.number().int().min(1).default(20_000),
        /**
         * pending: AA (original mode) or CA with MSA-3 PENDING and an ERR of severity I.
         * error: AE in original mode, so a PAS that trusts only AA resends and gets the stored answer.
         */
        interim: z.enum(['pending', 'error']).default('pending'),
        /** Sends the application ACK decided after the interim answer to the PAS. */
        lateReplies: LateRepliesSchema.optional(),
      })
      .strict()
      .default({ mode: 'commit', applicationTimeoutMs: 20_000, interim: 'pending' }),
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
