import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ErsAuthSettings } from '../core/settings.js';
import { ClientAssertionTokenSource } from './platform-token.js';

/**
 * The two ways of proving who we are to e-RS (ENDPOINTS.md §2.1–2.2). Both give the headers for
 * one call; the classic session also has a lifecycle (A001 create, A002 select role, A003 close).
 */
export interface ErsAuth {
  readonly mode: 'session' | 'platform';
  /** Headers for one call of `operation` (e.g. A013): the business function may depend on it. */
  headers(operation?: string): Promise<Record<string, string>>;
  /** Who is calling, for the audit rows of ENDPOINTS.md §8 (what this mode knows). */
  context(operation?: string): AuthContext;
  /**
   * Called after a 401 with the headers that call used: drop those credentials so the next call
   * re-authenticates (credentials renewed meanwhile by a concurrent call are kept).
   */
  invalidate(used?: Readonly<Record<string, string>>): void;
  close(): Promise<void>;
}

/** The caller facts an audit row needs; absent when this auth mode does not know them. */
export interface AuthContext {
  readonly accessMode: 'session' | 'user-restricted' | 'application-restricted';
  readonly userId?: string;
  readonly onBehalfOfUserId?: string;
  readonly organisation?: string;
  readonly organisationName?: string;
  readonly businessFunction?: string;
  readonly asid?: string;
  readonly sessionId?: string;
}

/** Environment variable holding the platform private key (PEM) when no key file is configured. */
export const PRIVATE_KEY_ENV = 'ERS_BRIDGE_ERS_PRIVATE_KEY';

const secret = (value: string | undefined, file: string | undefined, what: string): string => {
  if (value !== undefined && value !== '') return value;
  if (file !== undefined) return readFileSync(file, 'utf8').trim();
  throw new Error(`${what} is not configured: set it from an environment variable or a file`);
};

/** Platform settings as parsed, or written by hand (tests, benches) without the per-operation map. */
type PlatformSettings = Omit<
  Extract<ErsAuthSettings, { mode: 'platform' }>,
  'businessFunctionFor'
> & {
  readonly businessFunctionFor?: Readonly<Record<string, string>>;
};

/** The private key for the client assertion: the configured file, else the environment. */
export function privateKeyPem(settings: PlatformSettings, env = process.env): string {
  if (settings.privateKeyFile !== undefined) return readFileSync(settings.privateKeyFile, 'utf8');
  const pem = env[PRIVATE_KEY_ENV];
  if (pem === undefined || pem === '')
    throw new Error(`ers.auth.privateKeyFile is not set and ${PRIVATE_KEY_ENV} is empty`);
  // Env files and CI secrets often carry the PEM on one line with literal "\n" separators.
  return pem.includes('\n') ? pem : pem.replace(/\\n/g, '\n');
}

/**
 * Pure: the client-assertion settings when these settings ask for application-restricted access
 * (no supplied token, and clientId + tokenUrl + keyId set), else undefined (a supplied token).
 */
export function assertionSettings(
  settings: PlatformSettings,
): { clientId: string; tokenUrl: string; keyId: string } | undefined {
  const supplied = settings.accessToken !== undefined && settings.accessToken !== '';
  if (supplied || settings.accessTokenFile !== undefined) return undefined;
  const { clientId, tokenUrl, keyId } = settings;
  // Without a token or the three assertion settings, each call fails with "not configured".
  return clientId && tokenUrl && keyId ? { clientId, tokenUrl, keyId } : undefined;
}

/**
 * NHS API platform. A supplied bearer token (CIS2, user-restricted) travels with the context
 * headers; a token obtained with a signed JWT client assertion is application-restricted, where
 * the platform takes business function and ODS from the app registration and refuses the
 * context headers (ENDPOINTS.md §2.2), so only Authorization and X-Correlation-ID are sent.
 */
export function platformAuth(
  settings: PlatformSettings,
  options: { fetchImpl?: typeof fetch; clock?: () => number; env?: NodeJS.ProcessEnv } = {},
): ErsAuth {
  const assertion = assertionSettings(settings);
  const roleFor = (operation: string | undefined): string =>
    (operation === undefined ? undefined : settings.businessFunctionFor?.[operation]) ??
    settings.businessFunction;
  const accessMode = assertion ? 'application-restricted' : 'user-restricted';
  const tokens =
    assertion !== undefined
      ? new ClientAssertionTokenSource({
          ...assertion,
          privateKeyPem: () => privateKeyPem(settings, options.env),
          ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
          ...(options.clock ? { clock: options.clock } : {}),
        })
      : undefined;
  return {
    mode: 'platform',
    async headers(operation) {
      const correlation = { 'X-Correlation-ID': randomUUID() };
      if (tokens) return { Authorization: `Bearer ${await tokens.token()}`, ...correlation };
      return {
        Authorization: `Bearer ${secret(settings.accessToken, settings.accessTokenFile, 'ers.auth.accessToken')}`,
        'NHSD-eRS-Business-Function': roleFor(operation),
        'NHSD-End-User-Organisation-ODS': settings.odsCode,
        ...(settings.onBehalfOfUserId
          ? { 'NHSD-eRS-On-Behalf-Of-User-ID': settings.onBehalfOfUserId }
          : {}),
        ...correlation,
      };
    },
    context: (operation) => ({
      accessMode,
      organisation: settings.odsCode,
      ...(tokens
        ? {}
        : {
            businessFunction: roleFor(operation),
            ...(settings.onBehalfOfUserId ? { onBehalfOfUserId: settings.onBehalfOfUserId } : {}),
          }),
    }),
    invalidate(used) {
      // A signed-JWT token is exchanged again; a supplied token cannot be renewed here, so the
      // next call fails the same way and the message is retried until an operator supplies one.
      tokens?.invalidate(/^Bearer (.+)$/.exec(used?.['Authorization'] ?? '')?.[1]);
    },
    close: () => Promise.resolve(),
  };
}

interface SessionAnswer {
  id: string;
  user?: { identifier?: string; permissions?: { orgIdentifier?: string; orgName?: string }[] };
}

/** Pure: the user id and organisation name an A001 answer gives for the selected organisation. */
export function sessionUser(
  session: SessionAnswer,
  ods: string,
): { userId?: string; organisationName?: string } {
  const orgName = session.user?.permissions?.find((p) => p.orgIdentifier === ods)?.orgName;
  return {
    ...(session.user?.identifier ? { userId: session.user.identifier } : {}),
    ...(orgName ? { organisationName: orgName } : {}),
  };
}

/** Classic session: A001 with ASID + smartcard token, A002 role selection, renewed after a 401. */
export function sessionAuth(
  settings: Extract<ErsAuthSettings, { mode: 'session' }>,
  sessionBase: string,
  fetchImpl: typeof fetch = fetch,
): ErsAuth {
  let key: Promise<string> | undefined;
  // From A001/A002, for the audit: the smartcard user and the selected organisation's name.
  let who: { userId?: string; organisationName?: string } = {};
  let sessionId: string | undefined;
  const json = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    XAPI_ASID: settings.asid,
  };
  const open = async (): Promise<string> => {
    const token = secret(settings.token, settings.tokenFile, 'ers.auth.token');
    const typeInfo = 'uk.nhs.ers.xapi.dto.v1.session.ProfessionalSession';
    const created = await fetchImpl(`${sessionBase}/v1/ProfessionalSession`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ typeInfo, token }),
    });
    if (created.status !== 201) throw new Error(`A001 create session answered ${created.status}`);
    const session = (await created.json()) as SessionAnswer;
    const selected = await fetchImpl(`${sessionBase}/v1/ProfessionalSession/${session.id}`, {
      method: 'PUT',
      headers: { ...json, HTTP_X_SESSION_KEY: session.id },
      body: JSON.stringify({
        typeInfo,
        token,
        permission: {
          businessFunction: settings.businessFunction,
          orgIdentifier: settings.odsCode,
        },
      }),
    });
    if (selected.status !== 200) throw new Error(`A002 select role answered ${selected.status}`);
    who = sessionUser(session, settings.odsCode);
    return session.id;
  };
  return {
    mode: 'session',
    async headers() {
      key ??= open().then(
        (id) => {
          sessionId = id;
          return id;
        },
        (error: unknown) => {
          key = undefined;
          throw error;
        },
      );
      return { XAPI_ASID: settings.asid, HTTP_X_SESSION_KEY: await key };
    },
    context: () => ({
      accessMode: 'session',
      asid: settings.asid,
      organisation: settings.odsCode,
      businessFunction: settings.businessFunction,
      ...who,
      ...(sessionId === undefined ? {} : { sessionId }),
    }),
    invalidate(used) {
      const failed = used?.['HTTP_X_SESSION_KEY'];
      // Another call may already have opened a new session after the same expiry.
      if (failed !== undefined && sessionId !== undefined && failed !== sessionId) return;
      key = undefined;
      sessionId = undefined;
    },
    async close() {
      if (key === undefined) return;
      const id = await key.catch(() => undefined);
      key = undefined;
      if (id !== undefined) {
        await fetchImpl(`${sessionBase}/v1/ProfessionalSession/${id}`, {
          method: 'DELETE',
          headers: { XAPI_ASID: settings.asid, HTTP_X_SESSION_KEY: id },
        }).catch(() => undefined);
      }
    },
  };
}
