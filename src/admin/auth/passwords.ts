import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost (RFC 7914). N=2^16, r=8, p=1 takes ~350 ms on the 2-core reference machine (see
 * docs/decisions/060-admin-auth.md); tests pass a lower cost to stay quick.
 */
export const DEFAULT_SCRYPT_COST = 16;
const KEY_LENGTH = 32;
// N * r * 128 bytes = 64 MiB at N=2^16, above node's 32 MiB default limit.
const MAXMEM = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { ...options, maxmem: MAXMEM },
      (e, key) => {
        if (e) reject(e);
        else resolve(key);
      },
    );
  });
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: parameters travel with the hash so they can grow. */
export async function hashPassword(
  password: string,
  log2Cost = DEFAULT_SCRYPT_COST,
): Promise<string> {
  const params = { N: 2 ** log2Cost, r: 8, p: 1 };
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  const fields = [params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')];
  return ['scrypt', ...fields].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, 'base64');
  const key = await derive(password, Buffer.from(saltB64, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password nobody knows: verifying against it costs as much as a real one. */
const decoys = new Map<number, Promise<string>>();
export function decoyHash(log2Cost = DEFAULT_SCRYPT_COST): Promise<string> {
  let decoy = decoys.get(log2Cost);
  if (!decoy) {
    decoy = hashPassword(randomBytes(18).toString('base64url'), log2Cost);
    decoys.set(log2Cost, decoy);
  }
  return decoy;
}

/** 18 random bytes: 24 URL-safe characters, easy to copy from a terminal. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}
