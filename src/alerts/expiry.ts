import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { decodeJwt } from 'jose';
import type { ChannelDefinition } from '../config/channel-schema.js';
import type { EngineSettings } from '../core/settings.js';
import type { ExpiryFact } from './facts.js';

/** Every `certFile` in a channel's plugin settings (MLLP source and destination TLS, late replies). */
export function certificateFiles(channels: readonly ChannelDefinition[]): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'certFile' || k === 'caFile') && typeof x === 'string') out.add(x);
        else visit(x);
      }
  };
  for (const c of channels) {
    visit(c.source.config);
    for (const d of c.destinations) visit(d.config);
  }
  return [...out];
}

/** The expiry of the first certificate in a PEM file; undefined when it cannot be read. */
export function certificateExpiry(file: string): number | undefined {
  try {
    const pem = readFileSync(file, 'utf8');
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (first === undefined) return undefined;
    return new Date(new X509Certificate(first).validTo).getTime();
  } catch {
    return undefined;
  }
}

/** `exp` of a JWT-shaped token (a platform access token); undefined for opaque tokens. */
export function tokenExpiry(token: string | undefined): number | undefined {
  if (token === undefined || token.split('.').length !== 3) return undefined;
  try {
    const { exp } = decodeJwt(token.trim());
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function readToken(value: string | undefined, file: string | undefined): string | undefined {
  if (value !== undefined) return value;
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Certificates of the channels and settings.alerts.rules.expiry.files, and the e-RS token. */
export function expiryFacts(options: {
  channels: readonly ChannelDefinition[];
  settings: EngineSettings;
  extraFiles: readonly string[];
  configDir: string;
}): ExpiryFact[] {
  const out: ExpiryFact[] = [];
  const files = [
    ...certificateFiles(options.channels),
    ...options.extraFiles.map((f) => (isAbsolute(f) ? f : join(options.configDir, f))),
  ];
  for (const file of new Set(files)) {
    const expiresAt = certificateExpiry(file);
    if (expiresAt !== undefined) out.push({ subject: file, kind: 'certificate', expiresAt });
  }
  const auth = options.settings.ers.auth;
  const token =
    auth?.mode === 'platform'
      ? readToken(auth.accessToken, auth.accessTokenFile)
      : auth?.mode === 'session'
        ? readToken(auth.token, auth.tokenFile)
        : undefined;
  const tokenAt = tokenExpiry(token);
  if (tokenAt !== undefined)
    out.push({
      subject: `ers.auth (${auth?.mode ?? ''} token)`,
      kind: 'token',
      expiresAt: tokenAt,
    });
  return out;
}
