import { hostname } from 'node:os';
import type { ErsAuditEntry, MessageStore } from '../core/store-types.js';
import { EngineError } from '../core/errors.js';
import type { ErsAuth } from './auth.js';
import { ErsError, classifyStatus, outcomeFacts, retryAfterAt } from './ers-error.js';
import {
  isOperationId,
  operationRecord,
  type OperationId,
  type OperationRequest,
} from './operations/index.js';
import { buildContextFor, NHS_SANDBOX_CODE_SYSTEM_BASE } from './environment.js';
import { fileNameOf } from './readers/standard.js';
import { QuotaLimiter, type QuotaLimiterOptions, type QuotaSlot } from './quota.js';
import { traceErsInput } from './operations/trace.js';
import { ersCallDuration } from '../core/metrics.js';
import { auditDetail, type CallFacts } from './audit.js';
import { HttpTransport, type HttpAnswer } from './transport.js';

export interface ErsClientOptions {
  /** The STU3 base, e.g. `http://127.0.0.1:8090/FHIR/STU3` or `https://…/ers-api/STU3/v1`. */
  readonly stu3Base: string;
  readonly auth: ErsAuth;
  readonly requestsPerMinute: number;
  readonly timeoutMs: number;
  readonly store?: MessageStore;
  readonly clock?: () => number;
  /** This machine's name for the audit's FQDN field (default: the OS host name). */
  readonly host?: string;
  /**
   * Base of the dynamic code systems in request bodies (`{base}/STU3/CodeSystem/SPECIALTY`);
   * default NHS's sandbox placeholder `_baseUrl_` (environment defaults: provider.ts).
   */
  readonly codeSystemBase?: string;
  /** A quota line shared with the application's other instances (PostgreSQL, decision 205). */
  readonly quota?: QuotaLimiterOptions;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * Call under the business function of this operation instead: a pre-read (A005) for a
   * provider's update (A013, A014, A022, A028) goes out under the provider's role.
   */
  readonly roleOf?: string | undefined;
  /**
   * `input` is the output of this operation's schema already (the mapping transformer checked it
   * for this message): build the request from it without checking it a second time (issue 17).
   */
  readonly validated?: boolean;
  /**
   * Where this call's audit row goes instead of its own store write: the engine hands it to the
   * message's next transition, which commits it in the same transaction (decision 180). The
   * caller then owns writing it.
   */
  readonly auditTo?: ErsAuditSink | undefined;
  /**
   * The quota slot reserved for this call (`reserveQuota`) before the engine marked it in flight:
   * the call goes out with it instead of queueing for the quota again. Used by one call only.
   */
  readonly slot?: QuotaSlot | undefined;
}

/** Takes the audit row of one call, to be committed with a later store write. */
export type ErsAuditSink = (row: Omit<ErsAuditEntry, 'id'>) => void;

export interface ErsResult {
  readonly operation: string;
  /** What was sent (method, path, FHIR body), as built from the logical inputs. */
  readonly request: OperationRequest;
  readonly status: number;
  readonly resource: Record<string, unknown> | undefined;
  readonly bytes: Buffer | undefined;
  readonly etag: string | undefined;
  readonly location: string | undefined;
  readonly transactionId: string | undefined;
  /** Typed facts later stages use (the operation's answer reader): ubrn, version, attachmentUrl, fileName. */
  readonly output: Record<string, string>;
}

/**
 * The engine's only way to talk to e-RS (or the sandbox): validates logical inputs, builds the
 * request, spaces calls under the quota, classifies failures, and writes one audit row per call
 * (ENDPOINTS.md §8).
 */
export class ErsClient {
  private readonly quota: QuotaLimiter;
  private readonly clock: () => number;
  private readonly host: string;
  /** Keep-alive connections to e-RS (or the sandbox), reused call after call. */
  private readonly http: HttpTransport;

  constructor(private readonly options: ErsClientOptions) {
    this.clock = options.clock ?? Date.now;
    this.host = options.host ?? hostname();
    this.http = new HttpTransport(options.stu3Base);
    this.quota = new QuotaLimiter(options.requestsPerMinute, this.clock, options.quota);
  }

  /**
   * Waits for this application's next quota slot without calling: a caller that must record the
   * call as in flight first does so once it holds the slot, then passes it as `slot`.
   */
  reserveQuota(signal?: AbortSignal): Promise<QuotaSlot> {
    return this.quota.reserve(signal);
  }

  /** Validates `input` for operation `id` and builds the request, without sending anything. */
  prepare(id: string, input: unknown): OperationRequest {
    return this.prepared(id, input, false).request;
  }

  private prepared(
    id: string,
    input: unknown,
    validated: boolean,
  ): { request: OperationRequest; role: string } {
    if (!isOperationId(id))
      throw new EngineError('ERS_INVALID_INPUT', `unknown e-RS operation "${id}"`);
    const op = operationRecord(id);
    const data = validated ? input : this.check(id, input);
    const request = op.build(
      data,
      buildContextFor(id, this.options.codeSystemBase ?? NHS_SANDBOX_CODE_SYSTEM_BASE),
    );
    traceErsInput({ step: 'build', operation: id });
    // A referrer's worklist (A008 AWAITING_BOOKING, say) goes out under the user's own role, not
    // the one configured for the operation's provider use: a key no businessFunctionFor names.
    const referrerUse = op.side !== 'referrer' && op.sideOf?.(data) === 'referrer';
    return { request, role: referrerUse ? `${id}:referrer` : id };
  }

  /** The operation's schema applied to `input`; refused inputs throw ERS_INVALID_INPUT. */
  private check(id: OperationId, input: unknown): unknown {
    const op = operationRecord(id);
    traceErsInput({ step: 'validate', operation: id });
    const parsed = op.input.safeParse(input);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const at = first?.path.join('.') ?? '';
      throw new EngineError(
        'ERS_INVALID_INPUT',
        `${id} ${op.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        { at },
      );
    }
    return parsed.data;
  }

  async execute(id: string, input: unknown, options: ExecuteOptions = {}): Promise<ErsResult> {
    const { request, role } = this.prepared(id, input, options.validated === true);
    return this.send(id, request, { ...options, roleOf: options.roleOf ?? role }, true);
  }

  private async send(
    id: string,
    request: OperationRequest,
    options: ExecuteOptions,
    mayReauth: boolean,
  ): Promise<ErsResult> {
    const { signal } = options;
    const role = options.roleOf ?? id;
    try {
      await this.quota.acquire(signal, options.slot);
    } catch (error) {
      // Stopped while waiting for its slot: nothing was sent, so it is retried, never reviewed.
      throw new EngineError(
        'ENGINE_SHUTTING_DOWN',
        `${id}: not sent, the engine stopped while it waited for the e-RS quota`,
        { retry: 'transient', cause: error },
      );
    }
    const headers: Record<string, string> = {
      Accept: 'application/fhir+json',
      ...(await this.authHeaders(id, role)),
      ...request.headers,
    };
    let body: Buffer | string | undefined;
    if (request.bytes) {
      headers['Content-Type'] = request.bytes.contentType;
      body = request.bytes.data;
    } else if (request.body) {
      headers['Content-Type'] = 'application/fhir+json';
      body = JSON.stringify(request.body);
    }
    // The JSON as sent, for the audit row (findUbrn reads it instead of serialising again).
    const sentBody = typeof body === 'string' ? body : undefined;
    const started = this.clock();
    let response: HttpAnswer;
    try {
      response = await this.http.send({
        method: request.method,
        url: `${this.options.stu3Base}${request.path}`,
        headers,
        body,
        timeoutMs: this.options.timeoutMs,
        signal,
      });
    } catch (error) {
      await this.audit({
        id,
        request,
        status: 0,
        ms: this.clock() - started,
        sentHeaders: headers,
        sentBody,
        role,
        auditTo: options.auditTo,
      });
      throw transportError(id, request.method, error);
    }
    const transactionId =
      response.header('x-request-id') ?? response.header('x_ers_transaction_id');
    const isJson = (response.header('content-type') ?? '').includes('json');
    const etag = response.header('etag');
    const location = response.header('location');
    const fileName = fileNameOf(response.header('content-disposition'));
    const fileNameFact: Record<string, string> = fileName === undefined ? {} : { fileName };
    let answer: Awaited<ReturnType<typeof readAnswer>>;
    try {
      answer = await readAnswer(response, isJson, request.expect);
    } catch (error) {
      // The answer broke off (reset or timeout while reading the body): as a lost answer.
      await this.audit({
        id,
        request,
        status: response.status,
        ms: this.clock() - started,
        sentHeaders: headers,
        sentBody,
        transactionId,
        role,
        auditTo: options.auditTo,
      });
      throw transportError(id, request.method, error);
    }
    await this.audit({
      id,
      request,
      status: response.status,
      transactionId,
      ms: this.clock() - started,
      sentHeaders: headers,
      sentBody,
      resource: answer.resource,
      location,
      fileName,
      role,
      auditTo: options.auditTo,
    });
    if (response.status === 401 && mayReauth) {
      this.options.auth.invalidate(headers);
      return this.send(id, request, options, false);
    }
    if (!response.ok) {
      const facts = outcomeFacts(answer.resource ?? answer.text);
      const { code, retry } = classifyStatus(response.status, request.method);
      throw new ErsError(
        code,
        `${id} answered ${response.status}${facts.codes.length ? ` ${facts.codes.join(', ')}` : ''}${facts.diagnostics ? `: ${facts.diagnostics}` : ''}`,
        {
          status: response.status,
          ersCodes: facts.codes,
          retry,
          ...(facts.diagnostics ? { diagnostics: facts.diagnostics } : {}),
          ...(transactionId ? { transactionId } : {}),
          ...(response.status === 429
            ? {
                retryAfterMs:
                  retryAfterAt(response.header('retry-after') ?? null, this.clock()) ??
                  this.clock() + 1000,
              }
            : {}),
        },
      );
    }
    return {
      operation: id,
      request,
      status: response.status,
      resource: answer.resource,
      bytes: answer.bytes,
      etag,
      location,
      transactionId,
      output: {
        ...(isOperationId(id)
          ? operationRecord(id).read({ resource: answer.resource, etag, location })
          : {}),
        ...fileNameFact,
      },
    };
  }

  /** Credentials for one call; a failure to obtain them sent nothing, so it is retryable. */
  private async authHeaders(id: string, role: string): Promise<Record<string, string>> {
    try {
      return await this.options.auth.headers(role);
    } catch (error) {
      if (error instanceof ErsError) throw error;
      throw new ErsError(
        'ERS_AUTH_FAILED',
        `${id}: could not authenticate (${(error as Error).message})`,
        {
          retry: 'transient',
          cause: error,
        },
      );
    }
  }

  private async audit(
    facts: Omit<CallFacts, 'auth' | 'authMode' | 'host'> & {
      role?: string;
      auditTo?: ErsAuditSink | undefined;
    },
  ): Promise<void> {
    const outcome =
      facts.status === 0 ? 'no-answer' : facts.status < 400 ? 'ok' : String(facts.status);
    ersCallDuration.observe({ endpoint: facts.id, outcome }, facts.ms / 1000);
    const { auditTo, ...call } = facts;
    const row = {
      at: this.clock(),
      endpoint: call.id,
      detail: auditDetail({
        ...call,
        auth: this.options.auth.context(call.role ?? call.id),
        authMode: this.options.auth.mode,
        host: this.host,
      }),
    };
    if (auditTo !== undefined) auditTo(row);
    else await this.options.store?.appendErsAudit(row);
  }

  /**
   * The sandbox health checks `/_ping` and `/_status` beside `/FHIR` (NHS's sandbox app; on the
   * hosted sandbox `…/referrals/_ping`). Not e-RS operations: no credentials, no audit row.
   */
  async health(check: 'ping' | 'status'): Promise<{ status: number; path: string }> {
    const root = this.options.stu3Base.replace(/\/(?:FHIR\/STU3|STU3\/v1)$/i, '');
    const path = `/_${check}`;
    const response = await fetch(`${root}${path}`, {
      method: 'GET',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    await response.arrayBuffer();
    return { status: response.status, path };
  }

  async close(): Promise<void> {
    this.http.close();
    await this.options.auth.close();
  }
}

/** The body of an answer, read once: FHIR JSON, the bytes of a binary answer, or error text. */
async function readAnswer(
  response: HttpAnswer,
  isJson: boolean,
  expect: OperationRequest['expect'],
): Promise<{ resource?: Record<string, unknown>; bytes?: Buffer; text?: string }> {
  // Read whole first: a body cut off mid-way throws here (a lost answer), while a complete body
  // that is not JSON is only unparseable.
  const bytes = await response.body();
  if (isJson) {
    const text = bytes.toString('utf8');
    try {
      return { resource: JSON.parse(text) as Record<string, unknown> };
    } catch {
      return { text };
    }
  }
  if (response.ok && expect === 'binary') return { bytes };
  return { text: bytes.toString('utf8') };
}

/**
 * A failed exchange: refused, unresolvable, or failed before the connection was up (a refused
 * certificate) surely did not take effect; a timeout or reset after sending may have (invariant
 * 2), unless the call was a read.
 */
function transportError(id: string, method: string, error: unknown): ErsError {
  const {
    cause,
    code: own,
    name,
    notSent: beforeConnected,
  } = error as {
    cause?: { code?: string };
    code?: string;
    name?: string;
    /** Set by the transport when the connection (or TLS handshake) never came up. */
    notSent?: boolean;
  };
  const code = cause?.code ?? own ?? name ?? 'unknown';
  const notSent =
    beforeConnected === true ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN';
  const ambiguous = !notSent && method !== 'GET';
  return new ErsError(
    ambiguous ? 'ERS_OUTCOME_UNKNOWN' : 'ERS_UNAVAILABLE',
    `${id}: e-RS ${notSent ? 'unreachable' : 'did not answer'} (${code})`,
    {
      retry: ambiguous ? 'ambiguous' : 'transient',
      cause: error,
    },
  );
}
