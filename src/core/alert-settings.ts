import { z } from 'zod';

/**
 * `alerts:` in settings.yaml (docs/alerts.md). Each rule can be turned off with `false`; every
 * default is written here. Thresholds are per channel unless said otherwise.
 */
const channels = z.array(z.string()).optional();

const ErrorsRule = z
  .object({
    /** ERROR and DEAD messages received in the window, per channel, at or above which it fires. */
    threshold: z.number().int().min(1).default(5),
    windowMinutes: z.number().int().min(1).default(15),
    channels,
  })
  .strict();

const UnresolvedRule = z
  .object({
    /** Messages waiting for a person (DEAD + NEEDS_REVIEW), per channel. */
    threshold: z.number().int().min(1).default(1),
    channels,
  })
  .strict();

const QueueDepthRule = z
  .object({ threshold: z.number().int().min(1).default(500), channels })
  .strict();

const QueueAgeRule = z
  .object({
    /** A message waiting for a worker (RECEIVED, TRANSFORMED, QUEUED) received this long ago. */
    minutes: z.number().int().min(1).default(30),
    channels,
  })
  .strict();

const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm, e.g. 08:00');

export const WorkingHoursSchema = z
  .object({
    days: z.array(Weekday).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    from: HHMM.default('08:00'),
    to: HHMM.default('18:00'),
    timezone: z.string().default('Europe/London'),
  })
  .strict();
export type WorkingHours = z.infer<typeof WorkingHoursSchema>;

const SilenceRule = z
  .object({
    /** No message received for this long, counted only within working hours. */
    minutes: z.number().int().min(1).default(60),
    /** Channels watched; absent: every channel with an MLLP source. */
    channels,
    hours: WorkingHoursSchema.default({
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      from: '08:00',
      to: '18:00',
      timezone: 'Europe/London',
    }),
  })
  .strict();

const FilesRule = z
  .object({
    /** A file left in a drop folder or its processing/ folder this long is stuck. */
    stuckMinutes: z.number().int().min(1).default(15),
    /** A file moved to error/ within this many hours is reported (until it is moved away). */
    rejectedWithinHours: z.number().int().min(1).default(24),
  })
  .strict();

const ErsAuthRule = z
  .object({
    /** This many e-RS calls in a row answered 401, 403 or 429. */
    streak: z.number().int().min(1).default(3),
  })
  .strict();

const ExpiryRule = z
  .object({
    /** Certificates (TLS files in channels, `files`) and tokens (JWT in settings) expiring within. */
    days: z.number().int().min(1).default(14),
    /** More PEM certificates to watch, relative to the config folder. */
    files: z.array(z.string()).default([]),
  })
  .strict();

const off = z.literal(false);
const rule = <T extends z.ZodType>(schema: T) => z.union([schema, off]);

export const AlertRulesSchema = z
  .object({
    errors: rule(ErrorsRule).default(ErrorsRule.parse({})),
    unresolved: rule(UnresolvedRule).default(UnresolvedRule.parse({})),
    queueDepth: rule(QueueDepthRule).default(QueueDepthRule.parse({})),
    queueAge: rule(QueueAgeRule).default(QueueAgeRule.parse({})),
    silence: rule(SilenceRule).default(SilenceRule.parse({})),
    reloadRefused: z.boolean().default(true),
    /** A channel that could not start (port in use, drop folder held by another engine). */
    channelFailed: z.boolean().default(true),
    files: rule(FilesRule).default(FilesRule.parse({})),
    ersAuth: rule(ErsAuthRule).default(ErsAuthRule.parse({})),
    expiry: rule(ExpiryRule).default(ExpiryRule.parse({})),
  })
  .strict();
export type AlertRules = z.infer<typeof AlertRulesSchema>;

const Headers = z.record(z.string(), z.string()).default({});

export const WebhookReceiverSchema = z
  .object({
    type: z.literal('webhook'),
    name: z.string().min(1).optional(),
    url: z.url(),
    /** e.g. `Authorization: Bearer ${ALERT_WEBHOOK_TOKEN}`. */
    headers: Headers,
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict();

export const EmailReceiverSchema = z
  .object({
    type: z.literal('email'),
    name: z.string().min(1).optional(),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    /** Refuse to send unless the server offers STARTTLS. */
    requireTls: z.boolean().default(false),
    user: z.string().optional(),
    /** Use ${SMTP_PASSWORD} or passwordFile, never a literal in the repo. */
    password: z.string().optional(),
    passwordFile: z.string().optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    rejectUnauthorized: z.boolean().default(true),
    timeoutMs: z.number().int().min(100).default(15_000),
  })
  .strict();

export const ReceiverSchema = z.discriminatedUnion('type', [
  WebhookReceiverSchema,
  EmailReceiverSchema,
]);
export type ReceiverSettings = z.infer<typeof ReceiverSchema>;

export const AlertDeliverySchema = z
  .object({
    /** Notifications waiting together go out as one message; then at least this long apart. */
    minIntervalMs: z.number().int().min(0).default(60_000),
    /** At most this many messages per receiver per hour; the rest wait and go out together. */
    maxPerHour: z.number().int().min(1).default(20),
    /** A failing receiver is tried again after this, doubling up to maxRetryDelayMs. */
    retryDelayMs: z.number().int().min(10).default(30_000),
    maxRetryDelayMs: z.number().int().min(10).default(1_800_000),
    /** Notifications held per receiver; the oldest are dropped (and counted) past it. */
    maxQueued: z.number().int().min(1).default(200),
  })
  .strict();

export const AlertSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How often the rules are checked. */
    intervalMs: z.number().int().min(100).default(30_000),
    /** An incident clears after its condition has been absent for this many checks in a row. */
    clearAfterChecks: z.number().int().min(1).default(2),
    rules: AlertRulesSchema.default(AlertRulesSchema.parse({})),
    receivers: z.array(ReceiverSchema).default([]),
    delivery: AlertDeliverySchema.default(AlertDeliverySchema.parse({})),
    /** Closed incidents kept for the dashboard and /api/alerts. */
    keepRecent: z.number().int().min(1).default(200),
  })
  .strict();
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;
