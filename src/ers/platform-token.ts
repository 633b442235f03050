import { randomUUID } from 'node:crypto';
import { ErsError } from './ers-error.js';

/**
 * NHS API platform, application-restricted access: a JWT signed with our private key (RS512, `kid`
 * naming the public key registered on the developer portal) is exchanged at the token endpoint
 * for a short-lived bearer token (client_credentials grant with a client assertion). The token is
 * cached until shortly before it expires; after a 401 the caller drops it and the next call
 * exchanges a fresh assertion.
 */
export interface ClientAssertionOptions {
  /** The application's API key: `iss` and `sub` of the assertion. */
  readonly clientId: string;
  readonly tokenUrl: string;
  readonly keyId: string;
  /** The PEM (PKCS#8) private key; read when first needed, never from the repository. */
  readonly privateKeyPem: () => string;
  /** Renew this long before the token's expiry (default 30 s). */
  readonly refreshMarginMs?: number;
  readonly fetchImpl?: typeof fetch;
  readonly clock?: () => number;
}

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The platform refuses assertions that live longer than 5 minutes. */
const ASSERTION_LIFETIME_SECONDS = 300;

export interface CachedToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

/** Pure: the form body of the token request. */
export function tokenRequestBody(assertion: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

/** Pure: the token of a token-endpoint answer (the platform sends `expires_in` as a string). */
export function parseTokenResponse(body: unknown, now: number): CachedToken | undefined {
  const b = body as { access_token?: unknown; expires_in?: unknown } | null;
  const seconds = Number(b?.expires_in);
  if (typeof b?.access_token !== 'string' || b.access_token === '' || !Number.isFinite(seconds))
    return undefined;
  return { accessToken: b.access_token, expiresAt: now + seconds * 1000 };
}

/** Pure: whether a cached token is still good for a call started now. */
export const isFresh = (token: CachedToken | undefined, now: number, marginMs: number): boolean =>
  token !== undefined && token.expiresAt - marginMs > now;

/** Signs one client assertion. jose is ESM-only, so it is loaded when first needed. */
async function signAssertion(options: ClientAssertionOptions, now: number): Promise<string> {
  const { SignJWT, importPKCS8 } = await import('jose');
  const key = await importPKCS8(options.privateKeyPem(), 'RS512');
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS512', typ: 'JWT', kid: options.keyId })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}

const authError = (message: string, cause?: unknown): ErsError =>
  // Nothing reached e-RS, so retrying is safe: an operator fixing the key drains the backlog.
  new ErsError('ERS_AUTH_FAILED', message, { retry: 'transient', cause });

/** A cached source of platform bearer tokens; concurrent callers share one exchange. */
export class ClientAssertionTokenSource {
  private cached: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;
  private readonly clock: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ClientAssertionOptions) {
    this.clock = options.clock ?? Date.now;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  async token(): Promise<string> {
    const cached = this.cached;
    if (cached && isFresh(cached, this.clock(), this.options.refreshMarginMs ?? 30_000))
      return cached.accessToken;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    this.cached = await this.pending;
    return this.cached.accessToken;
  }

  /**
   * After a 401: the next call exchanges a new assertion — unless `failed` names a token that is
   * no longer the cached one (a concurrent call already renewed it), so a revoked token seen by
   * many in-flight calls costs one exchange, not one each.
   */
  invalidate(failed?: string): void {
    if (failed !== undefined && this.cached !== undefined && this.cached.accessToken !== failed)
      return;
    this.cached = undefined;
  }

  private async exchange(): Promise<CachedToken> {
    let assertion: string;
    try {
      assertion = await signAssertion(this.options, this.clock());
    } catch (error) {
      throw authError(`cannot sign the client assertion (key ${this.options.keyId})`, error);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.options.tokenUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: tokenRequestBody(assertion),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw authError(`token endpoint ${this.options.tokenUrl} did not answer`, error);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const reason = (body as { error_description?: string; error?: string } | undefined) ?? {};
      throw authError(
        `token endpoint answered ${response.status}${reason.error ? ` ${reason.error}` : ''}${reason.error_description ? `: ${reason.error_description}` : ''}`,
      );
    }
    const token = parseTokenResponse(body, this.clock());
    if (!token) throw authError('token endpoint answer has no access_token / expires_in');
    return token;
  }
}
