import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens look like `ersb_<id>_<secret>`. Only the sha256 of the secret is stored: the
 * secret is 32 random bytes, so a fast hash is enough (no dictionary to guard against).
 */
export interface IssuedToken {
  readonly id: string;
  readonly token: string;
  readonly secretHash: string;
}

const PREFIX = 'ersb_';

export function issueToken(): IssuedToken {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${PREFIX}${id}_${secret}`, secretHash: sha256Hex(secret) };
}

export function parseToken(token: string): { id: string; secret: string } | undefined {
  const match = /^ersb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { id: match[1] ?? '', secret: match[2] ?? '' } : undefined;
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
