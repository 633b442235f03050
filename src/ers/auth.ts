import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ErsAuthSettings } from '../config/settings.js';

/**
 * The two ways of proving who we are to e-RS (ENDPOINTS.md §2.1–2.2). Both give the headers for
 * one call; the classic session also has a lifecycle (A001 create, A002 select role, A003 close).
 */
export interface ErsAuth {
  readonly mode: 'session' | 'platform';
  headers(): Promise<Record<string, string>>;
  /** Called after a 401: drop cached credentials so the next call re-authenticates. */
  invalidate(): void;
  close(): Promise<void>;
}

const secret = (value: string | undefined, file: string | undefined, what: string): string => {
  if (value !== undefined && value !== '') return value;
  if (file !== undefined) return readFileSync(file, 'utf8').trim();
  throw new Error(`${what} is not configured: set it from an environment variable or a file`);
};

export function platformAuth(settings: Extract<ErsAuthSettings, { mode: 'platform' }>): ErsAuth {
  return {
    mode: 'platform',
    headers() {
      return Promise.resolve({
        Authorization: `Bearer ${secret(settings.accessToken, settings.accessTokenFile, 'ers.auth.accessToken')}`,
        'NHSD-eRS-Business-Function': settings.businessFunction,
        'NHSD-End-User-Organisation-ODS': settings.odsCode,
        ...(settings.onBehalfOfUserId
          ? { 'NHSD-eRS-On-Behalf-Of-User-ID': settings.onBehalfOfUserId }
          : {}),
        'X-Correlation-ID': randomUUID(),
      });
    },
    invalidate() {
      // A supplied bearer token cannot be renewed here; the next call fails the same way and the
      // message is retried until an operator supplies a new one.
    },
    close: () => Promise.resolve(),
  };
}

/** Classic session: A001 with ASID + smartcard token, A002 role selection, renewed after a 401. */
export function sessionAuth(
  settings: Extract<ErsAuthSettings, { mode: 'session' }>,
  sessionBase: string,
  fetchImpl: typeof fetch = fetch,
): ErsAuth {
  let key: Promise<string> | undefined;
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
    const session = (await created.json()) as { id: string };
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
    return session.id;
  };
  return {
    mode: 'session',
    async headers() {
      key ??= open().catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      return { XAPI_ASID: settings.asid, HTTP_X_SESSION_KEY: await key };
    },
    invalidate() {
      key = undefined;
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
