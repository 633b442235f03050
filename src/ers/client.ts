import type { MessageStore } from '../store/types.js';
import { EngineError } from '../engine/errors.js';
import type { ErsAuth } from './auth.js';
import { ErsError, classifyStatus, outcomeFacts, retryAfterAt } from './ers-error.js';
import { OPERATIONS, isOperationId, type OperationRequest } from './operations/index.js';
import { QuotaLimiter } from './quota.js';
import { ersCallDuration } from '../admin/metrics.js';

export interface ErsClientOptions {
  /** The STU3 base, e.g. `http://127.0.0.1:8090/FHIR/STU3` or `https://…/ers-api/STU3/v1`. */
  readonly stu3Base: string;
  readonly auth: ErsAuth;
  readonly requestsPerMinute: number;
  readonly timeoutMs: number;
  readonly store?: MessageStore;
  readonly clock?: () => number;
}

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
  /** Typed facts later stages use: ubrn, version, attachmentUrl, fileName. */
  readonly output: Record<string, string>;
}

const transactionIdOf = (h: Headers): string | undefined =>
  h.get('x-request-id') ?? h.get('x_ers_transaction_id') ?? undefined;

/**
 * The engine's only way to talk to e-RS (or the sandbox): validates logical inputs, builds the
 * request, spaces calls under the quota, classifies failures, and writes one audit row per call
 * (ENDPOINTS.md §8).
 */
export class ErsClient {
  private readonly quota: QuotaLimiter;
  private readonly clock: () => number;

  constructor(private readonly options: ErsClientOptions) {
    this.clock = options.clock ?? Date.now;
    this.quota = new QuotaLimiter(options.requestsPerMinute, this.clock);
  }

  /** Validates `input` for operation `id` and builds the request, without sending anything. */
  prepare(id: string, input: unknown): OperationRequest {
    if (!isOperationId(id))
      throw new EngineError('ERS_INVALID_INPUT', `unknown e-RS operation "${id}"`);
    const op = OPERATIONS[id];
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
    // The registry pairs each schema with its builder; the parsed value is that builder's input.
    return (op.build as (i: unknown) => OperationRequest)(parsed.data);
  }

  async execute(
    id: string,
    input: unknown,
    options: { signal?: AbortSignal } = {},
  ): Promise<ErsResult> {
    const request = this.prepare(id, input);
    const result = await this.send(id, request, options.signal, true);
    return result;
  }

  private async send(
    id: string,
    request: OperationRequest,
    signal: AbortSignal | undefined,
    mayReauth: boolean,
  ): Promise<ErsResult> {
    await this.quota.acquire(signal);
    const headers: Record<string, string> = {
      Accept: 'application/fhir+json',
      ...(await this.authHeaders(id)),
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
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const started = this.clock();
    let response: Response;
    try {
      response = await fetch(`${this.options.stu3Base}${request.path}`, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      await this.audit(id, request, { status: 0, ms: this.clock() - started });
      throw transportError(id, request.method, error);
    }
    const transactionId = transactionIdOf(response.headers);
    await this.audit(id, request, {
      status: response.status,
      transactionId,
      ms: this.clock() - started,
    });
    if (response.status === 401 && mayReauth) {
      this.options.auth.invalidate();
      return this.send(id, request, signal, false);
    }
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    if (!response.ok) {
      const payload: unknown = isJson
        ? await response.json().catch(() => undefined)
        : await response.text();
      const facts = outcomeFacts(payload);
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
                  retryAfterAt(response.headers.get('retry-after'), this.clock()) ??
                  this.clock() + 1000,
              }
            : {}),
        },
      );
    }
    const resource = isJson ? ((await response.json()) as Record<string, unknown>) : undefined;
    const bytes =
      !isJson && request.expect === 'binary'
        ? Buffer.from(await response.arrayBuffer())
        : undefined;
    const etag = response.headers.get('etag') ?? undefined;
    const location = response.headers.get('location') ?? undefined;
    return {
      operation: id,
      request,
      status: response.status,
      resource,
      bytes,
      etag,
      location,
      transactionId,
      output: {
        ...outputOf(resource, etag, location),
        ...fileNameOf(response.headers.get('content-disposition')),
      },
    };
  }

  /** Credentials for one call; a failure to obtain them sent nothing, so it is retryable. */
  private async authHeaders(id: string): Promise<Record<string, string>> {
    try {
      return await this.options.auth.headers();
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
    id: string,
    request: OperationRequest,
    facts: { status: number; transactionId?: string | undefined; ms: number },
  ): Promise<void> {
    const outcome =
      facts.status === 0 ? 'no-answer' : facts.status < 400 ? 'ok' : String(facts.status);
    ersCallDuration.observe({ endpoint: id, outcome }, facts.ms / 1000);
    const ubrn = /ReferralRequest\/(\d{12})/.exec(request.path)?.[1];
    await this.options.store?.appendErsAudit({
      at: this.clock(),
      endpoint: id,
      detail: {
        eventType: request.method,
        auditType: auditTypeOf(id),
        authMode: this.options.auth.mode,
        httpStatus: facts.status,
        durationMs: facts.ms,
        ...(ubrn ? { ubrn } : {}),
        ...(facts.transactionId ? { transactionId: facts.transactionId } : {}),
      },
    });
  }

  async close(): Promise<void> {
    await this.options.auth.close();
  }
}

/** Audit Type vocabulary of ENDPOINTS.md §8. */
function auditTypeOf(id: string): string {
  switch (id) {
    case 'A005':
      return 'API Retrieve Request Summary';
    case 'A006':
      return 'API Retrieve Clinical Attachment';
    case 'A007':
      return 'API Retrieve Clinical Information';
    case 'A008':
      return 'API Retrieve Request List';
    case 'A004':
      return 'API Retrieve Reference Data';
    default:
      return `API ${id}`;
  }
}

/** The file name of a PDF or attachment answer (Content-Disposition), for letters and files. */
function fileNameOf(disposition: string | null): Record<string, string> {
  const name = /filename="([^"]+)"/.exec(disposition ?? '')?.[1];
  return name === undefined ? {} : { fileName: name };
}

function outputOf(
  resource: Record<string, unknown> | undefined,
  etag: string | undefined,
  location: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (resource?.['resourceType'] === 'ReferralRequest' && typeof resource['id'] === 'string')
    out['ubrn'] = resource['id'];
  const version =
    (resource?.['meta'] as { versionId?: string } | undefined)?.versionId ??
    /W\/"(\d+)"/.exec(etag ?? '')?.[1];
  if (version !== undefined) out['version'] = version;
  if (location !== undefined)
    out['attachmentUrl'] = /Binary\/[^/?#]+/.exec(location)?.[0] ?? location;
  return out;
}

/**
 * A failed fetch: refused or unresolvable before sending surely did not take effect; a timeout or
 * reset after sending may have (invariant 2), unless the call was a read.
 */
function transportError(id: string, method: string, error: unknown): ErsError {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { name?: string }).name ?? 'unknown';
  const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
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
