import { z } from 'zod';
import { AlertSettingsSchema } from './alert-settings.js';

/**
 * Engine settings (`settings.yaml` in the config folder, then `settings.<env>.yaml` over it,
 * then environment variables over both). Every default is written here and nowhere else.
 * Durations carry their unit in the name.
 */
export const ErsAuthSchema = z.discriminatedUnion('mode', [
  z
    .object({
      mode: z.literal('session'),
      /** ASID of this application (XAPI_ASID). */
      asid: z.string().min(1),
      /** Smartcard SSO token; use ${ERS_SSO_TOKEN} or tokenFile, never a literal in the repo. */
      token: z.string().optional(),
      tokenFile: z.string().optional(),
      businessFunction: z.string().default('SERVICE_PROVIDER_CLINICIAN'),
      odsCode: z.string().min(1),
    })
    .strict(),
  z
    .object({
      mode: z.literal('platform'),
      /** A bearer token supplied directly (env or file), or obtained by a signed JWT assertion. */
      accessToken: z.string().optional(),
      accessTokenFile: z.string().optional(),
      clientId: z.string().optional(),
      privateKeyFile: z.string().optional(),
      keyId: z.string().optional(),
      tokenUrl: z.url().optional(),
      businessFunction: z.string().default('SERVICE_PROVIDER_CLINICIAN'),
      /**
       * Another business function for some operations, for a user holding several roles: e.g.
       * `{ A013: SERVICE_PROVIDER_CLINICIAN, A014: SERVICE_PROVIDER_CLINICIAN }` beside a
       * referrer's A021. A user-restricted token only; an application-restricted one has none.
       */
      businessFunctionFor: z
        .record(z.string().regex(/^A\d{3}$/, 'an operation id such as A013'), z.string().min(1))
        .default({}),
      odsCode: z.string().min(1),
      onBehalfOfUserId: z.string().optional(),
    })
    .strict(),
]);

export const SettingsSchema = z
  .object({
    /** Where the SQLite store, drop folders and outputs live unless set otherwise. */
    dataDir: z.string().default('./data'),
    /** `sqlite` (file in dataDir), `sqlite:/path/to/file.db`, or `postgres://…`. */
    store: z.string().default('sqlite'),
    /**
     * SQLite only: commit on a writer thread (the default: the event loop keeps reading frames and
     * writing ACKs during an fsync, faster from 8 connections up and for file drops), or `false`
     * to commit on the event loop, which answers one connection sending one message at a time
     * sooner (bench/mllp: ~860–1,340 against ~610–700 msgs/s at one connection).
     */
    sqliteWriterThread: z.boolean().default(true),
    instanceId: z.string().optional(),
    http: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080 }),
    sandbox: z
      .object({
        /** Run the embedded e-RS sandbox and point the e-RS client at it. */
        enabled: z.boolean().default(true),
        /**
         * Address it listens on. Loopback by default: it is a simulator with no authentication.
         * `0.0.0.0` publishes it (a container's port mapping reaches only non-loopback addresses);
         * the engine's own e-RS client still calls it on loopback.
         */
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8090),
        /** A seed file laid over the default data (samples/sandbox/seed.yaml); relative to the config folder. */
        seedFile: z.string().optional(),
      })
      .strict()
      .default({ enabled: true, host: '127.0.0.1', port: 8090 }),
    ers: z
      .object({
        /**
         * Base URL of e-RS, as the platform documents it: `https://int.api.service.nhs.uk/referrals/FHIR`
         * (`/FHIR` is added when missing, `/STU3` always); ignored while the embedded sandbox is enabled.
         */
        baseUrl: z.url().optional(),
        /**
         * Base of the dynamic code systems in requests (`{base}/STU3/CodeSystem/SPECIALTY`, the `url`
         * A004 answers with). Default per environment: `_baseUrl_` for NHS's sandbox and the embedded
         * one, the platform base (`…/referrals/FHIR`) elsewhere.
         */
        codeSystemBase: z.string().min(1).optional(),
        flavour: z.enum(['classic', 'platform']).default('platform'),
        auth: ErsAuthSchema.optional(),
        requestsPerMinute: z.number().int().min(1).default(600),
        timeoutMs: z.number().int().min(1).default(30_000),
      })
      .strict()
      .default({ flavour: 'platform', requestsPerMinute: 600, timeoutMs: 30_000 }),
    workers: z
      .object({
        pollIntervalMs: z.number().int().min(10).default(250),
        leaseMs: z.number().int().min(1000).default(60_000),
        shutdownGraceMs: z.number().int().min(0).default(10_000),
        /**
         * Where messages are processed (transform, destinations): `main`, on the event loop the
         * sources, admin server and sandbox share; or `thread`, on a worker thread of its own, so
         * an acknowledgement waits only for its parse, append and commit (decision 170).
         */
        processIn: z.enum(['main', 'thread']).default('main'),
      })
      .strict()
      .default({
        pollIntervalMs: 250,
        leaseMs: 60_000,
        shutdownGraceMs: 10_000,
        processIn: 'main',
      }),
    retention: z
      .object({
        bodyDays: z.number().int().min(1).default(30),
        /** node-cron expression, Europe/London. */
        schedule: z.string().default('15 3 * * *'),
        includeUnresolved: z.boolean().default(false),
      })
      .strict()
      .default({ bodyDays: 30, schedule: '15 3 * * *', includeUnresolved: false }),
    logging: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
        /** Off by default: patient data never reaches logs unless an operator asks for it. */
        includePatientData: z.boolean().default(false),
        /** `auto`: coloured lines for a person at a terminal, JSON lines for a log shipper. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .default({ level: 'info', includePatientData: false, format: 'auto' }),
    /** Watch channels/ and mappings/ and reload changed channels without a restart. */
    hotReload: z.boolean().default(true),
    /** Alert rules and receivers (webhook, email); docs/alerts.md. */
    alerts: AlertSettingsSchema.default(AlertSettingsSchema.parse({})),
  })
  .strict();

export type EngineSettings = z.infer<typeof SettingsSchema>;
export type ErsAuthSettings = z.infer<typeof ErsAuthSchema>;

/** Environment variables that override settings, documented in the README. */
export const SETTINGS_ENV = {
  ERS_BRIDGE_HTTP_PORT: ['http', 'port'],
  ERS_BRIDGE_HTTP_HOST: ['http', 'host'],
  ERS_BRIDGE_SANDBOX_HOST: ['sandbox', 'host'],
  ERS_BRIDGE_SANDBOX_PORT: ['sandbox', 'port'],
  ERS_BRIDGE_SANDBOX_SEED: ['sandbox', 'seedFile'],
  ERS_BRIDGE_DATA_DIR: ['dataDir'],
  ERS_BRIDGE_STORE: ['store'],
  ERS_BRIDGE_LOG_LEVEL: ['logging', 'level'],
  ERS_BRIDGE_LOG_FORMAT: ['logging', 'format'],
  ERS_BRIDGE_INSTANCE_ID: ['instanceId'],
} as const satisfies Record<string, readonly string[]>;
