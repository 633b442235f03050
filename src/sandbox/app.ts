import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { FaultInjector } from './faults.js';
import { operationOutcome, SandboxError } from './outcome.js';
import { adviceRoutes } from './routes/advice.js';
import { adviceCreateRoutes } from './routes/advice-create.js';
import { appointmentRoutes } from './routes/appointments.js';
import { binaryRoutes } from './routes/binary.js';
import { bookingRoutes } from './routes/booking.js';
import { cancelReferralRoutes } from './routes/cancel-referral.js';
import { letterRoutes } from './routes/letter.js';
import { referralRoutes } from './routes/referrals.js';
import { deprecatedOnPlatform, RETIRED_NOTE, retiredRoutes } from './routes/retired.js';
import { reviewRoutes } from './routes/review.js';
import { serviceSearchRoutes } from './routes/service-search.js';
import { sessionRoutes } from './routes/session.js';
import { shortlistRoutes } from './routes/shortlist.js';
import { triageRoutes } from './routes/triage.js';
import { worklistRoutes } from './routes/worklist.js';
import { DEFAULT_SEED, type Seed } from './seed.js';
import { SandboxState } from './state.js';

export interface SandboxApp {
  readonly app: express.Express;
  readonly state: SandboxState;
  readonly faults: FaultInjector;
}

const SENSITIVE = new Set(['authorization', 'http_x_session_key']);

/**
 * The e-RS simulator: both path flavours over one state — classic `/STU3/v1/…` with sessions at
 * `/v1/ProfessionalSession`, and platform `/FHIR/STU3/…` — plus `/_sandbox/*` to inspect the
 * requests received, read and reset the state, and set faults.
 */
export function createSandboxApp(options: { seed?: Seed; faults?: unknown } = {}): SandboxApp {
  const state = new SandboxState(options.seed ?? DEFAULT_SEED);
  const faults = new FaultInjector();
  if (options.faults !== undefined) faults.set(options.faults);
  const app = express();
  app.disable('x-powered-by');
  // e-RS ETags are resource versions (W/"<n>", ENDPOINTS.md §2.5), never express's body hashes.
  app.set('etag', false);

  app.get('/_sandbox/requests', (_req, res) => {
    res.json(state.requests);
  });
  app.get('/_sandbox/state', (_req, res) => {
    res.json(state.snapshot());
  });
  app.post('/_sandbox/reset', (_req, res) => {
    state.reset();
    faults.set({});
    res.status(204).end();
  });
  app.post('/_sandbox/faults', express.json(), (req, res) => {
    res.json(faults.set(req.body));
  });
  // A request being edited in the Professional App: writes to it answer 423 REFERRAL_LOCKED.
  app.post('/_sandbox/locks', express.json(), (req, res) => {
    const { ubrn, locked } = req.body as { ubrn?: unknown; locked?: unknown };
    if (typeof ubrn !== 'string' || !/^\d{12}$/.test(ubrn) || typeof locked !== 'boolean') {
      res.status(400).json({ error: 'body must be { ubrn: "<12 digits>", locked: true|false }' });
      return;
    }
    if (locked) state.locked.add(ubrn);
    else state.locked.delete(ubrn);
    res.json({ locked: [...state.locked] });
  });

  // NHS's platform health checks (not e-RS operations): answered before the request log.
  app.get('/_ping', (_req, res) => {
    res.type('text/html').send('{status: 200}');
  });
  app.get('/_status', (_req, res) => {
    res.type('text/html').send('');
  });
  // '$' in an operation name may arrive percent-encoded (%24), as the platform accepts.
  app.use((req, _res, next) => {
    // Most requests have none: skip the split (decision 200).
    if (!/%24/i.test(req.url)) {
      next();
      return;
    }
    const [path = '', query] = req.url.split(/\?(.*)/s, 2);
    if (/%24/i.test(path))
      req.url = path.replace(/%24/gi, '$') + (query === undefined ? '' : `?${query}`);
    next();
  });
  app.use((req, res, next) => {
    const transactionId = `${randomUUID()}-1`;
    res.set('X-Request-ID', transactionId).set('X_ERS_TRANSACTION_ID', transactionId);
    const correlation = req.get('x-correlation-id');
    if (correlation) res.set('X-Correlation-ID', correlation);
    // Logged once, when answered or when the connection closes unanswered (a drop after the
    // request was applied must still show in the log: the engine's retry decisions depend on it).
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (!SENSITIVE.has(k)) headers[k] = String(v);
      state.logRequest({
        at: new Date().toISOString(),
        method: req.method,
        // path is relative to the flavour prefix (/STU3/v1, /FHIR/STU3); url is as received.
        path: req.path,
        url: req.originalUrl,
        status: res.statusCode,
        headers,
        body: Buffer.isBuffer(req.body) ? { bytes: req.body.length } : (req.body as unknown),
        ...(res.writableFinished ? {} : { dropped: true }),
      });
    };
    res.on('finish', log);
    res.on('close', log);
    next();
  });
  app.use(faults.middleware());
  // FHIR writes take JSON; the platform answers other media types 415 in plain text (§2.4).
  app.use(['/STU3/v1', '/FHIR/STU3'], (req, res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding');
    const type = req.get('content-type') ?? '';
    if (
      req.method === 'POST' &&
      hasBody &&
      !req.path.startsWith('/Binary') &&
      !type.includes('json')
    ) {
      res.status(415).type('text/plain').send('Unsupported Media Type');
      return;
    }
    next();
  });
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '10mb' }));

  app.use('/', sessionRoutes(state), retiredRoutes());
  const flavour =
    (name: 'classic' | 'platform') =>
    (_req: Request, res: Response, next: NextFunction): void => {
      res.locals['flavour'] = name;
      next();
    };
  for (const [prefix, name] of [
    ['/STU3/v1', 'classic'],
    ['/FHIR/STU3', 'platform'],
  ] as const) {
    const deprecated = express.Router();
    deprecated.post(
      '/ReferralRequest/\\$ers.createReferralAndSendForTriage',
      deprecatedOnPlatform(
        'A021 is deprecated on the NHS API platform: use A011, then A016 with reason TRIAGE',
      ),
    );
    deprecated.get(
      '/Binary/:id',
      deprecatedOnPlatform('A006 is deprecated on the NHS API platform: use A042 (R4)'),
    );
    app.use(
      prefix,
      flavour(name),
      deprecated,
      serviceSearchRoutes(state),
      reviewRoutes(state),
      bookingRoutes(state),
      appointmentRoutes(state),
      cancelReferralRoutes(state),
      shortlistRoutes(state),
      worklistRoutes(state),
      letterRoutes(state),
      referralRoutes(state),
      triageRoutes(state),
      adviceRoutes(state),
      adviceCreateRoutes(state),
      binaryRoutes(state),
    );
  }

  app.use((req, res) => {
    res
      .status(404)
      .type('application/fhir+json')
      .json(
        operationOutcome(
          'REFERENCE_NOT_FOUND',
          `no e-RS endpoint ${req.method} ${req.path} in this sandbox (${RETIRED_NOTE})`,
          'not-found',
        ),
      );
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof SandboxError) {
      res.status(error.status).type('application/fhir+json').json(error.toOutcome());
      return;
    }
    const parseFailed = (error as { type?: string }).type === 'entity.parse.failed';
    res
      .status(parseFailed ? 400 : 500)
      .type('application/fhir+json')
      .json(
        operationOutcome(
          parseFailed ? 'INVALID_FHIR_STRUCTURE' : 'SANDBOX_ERROR',
          parseFailed ? 'body is not valid JSON' : (error as Error).message,
          'invalid',
        ),
      );
  });
  return { app, state, faults };
}
