import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashPassword, randomPassword, DEFAULT_SCRYPT_COST } from './passwords.js';
import type { Role } from './roles.js';
import { issueToken } from './tokens.js';
import { USER_NAME_PATTERN, type UserDirectory, type UserRecord } from './user-file.js';

/** User management shared by the CLI (`ers-bridge users …`) and server start-up. */
export interface UserAdminOptions {
  readonly directory: UserDirectory;
  readonly now: number;
  readonly log2Cost?: number;
}

export const MIN_PASSWORD_LENGTH = 12;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
}

export async function addUser(
  options: UserAdminOptions,
  user: { name: string; role: Role; password: string },
): Promise<void> {
  if (!USER_NAME_PATTERN.test(user.name)) {
    throw new Error('a user name is 1–64 characters of a-z, 0-9, dot, dash or underscore');
  }
  checkPassword(user.password);
  if (options.directory.find(user.name)) throw new Error(`user "${user.name}" already exists`);
  const passwordHash = await hashPassword(user.password, options.log2Cost ?? DEFAULT_SCRYPT_COST);
  const record: UserRecord = {
    name: user.name,
    role: user.role,
    passwordHash,
    createdAt: options.now,
    tokens: [],
  };
  options.directory.update((data) => ({ ...data, users: [...data.users, record] }));
}

export async function setPassword(
  options: UserAdminOptions,
  name: string,
  password: string,
): Promise<void> {
  checkPassword(password);
  if (!options.directory.find(name)) throw new Error(`no user "${name}"`);
  const passwordHash = await hashPassword(password, options.log2Cost ?? DEFAULT_SCRYPT_COST);
  options.directory.update((data) => ({
    ...data,
    users: data.users.map((u) => (u.name === name ? { ...u, passwordHash } : u)),
  }));
}

export function setRole(options: UserAdminOptions, name: string, role: Role): void {
  if (!options.directory.find(name)) throw new Error(`no user "${name}"`);
  options.directory.update((data) => ({
    ...data,
    users: data.users.map((u) => (u.name === name ? { ...u, role } : u)),
  }));
}

/** Issues an API token acting as the user; the token is returned once and never stored. */
export function addToken(options: UserAdminOptions, name: string, label: string): string {
  if (!options.directory.find(name)) throw new Error(`no user "${name}"`);
  const issued = issueToken();
  const record = { id: issued.id, label, secretHash: issued.secretHash, createdAt: options.now };
  options.directory.update((data) => ({
    ...data,
    users: data.users.map((u) => (u.name === name ? { ...u, tokens: [...u.tokens, record] } : u)),
  }));
  return issued.token;
}

export function revokeToken(options: UserAdminOptions, tokenId: string): boolean {
  const found = options.directory.findToken(tokenId);
  if (!found) return false;
  options.directory.update((data) => ({
    ...data,
    users: data.users.map((u) => ({ ...u, tokens: u.tokens.filter((t) => t.id !== tokenId) })),
  }));
  return true;
}

/** The first admin's random password, on the data volume: `<dataDir>/initial-admin-password`. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/**
 * On first start with no users, creates `admin` with `$ERS_BRIDGE_ADMIN_PASSWORD` or a random
 * password. A random one is written to `passwordFile` (mode 0600) before the user exists, so a
 * failed write leaves no admin whose password nobody knows; the caller logs the file's path,
 * never the password (console output ends up in container logs).
 */
export async function ensureInitialAdmin(
  options: UserAdminOptions & { env: NodeJS.ProcessEnv; passwordFile?: string },
): Promise<{ created: false } | { created: true; generatedPassword: string | undefined }> {
  if (options.directory.current().users.length > 0) return { created: false };
  const fromEnv = options.env.ERS_BRIDGE_ADMIN_PASSWORD;
  if (fromEnv !== undefined && fromEnv.length < MIN_PASSWORD_LENGTH) {
    throw new Error(
      `ERS_BRIDGE_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long`,
    );
  }
  const password = fromEnv ?? randomPassword();
  if (fromEnv === undefined && options.passwordFile !== undefined)
    writeSecretFile(options.passwordFile, `${password}\n`);
  await addUser(options, { name: 'admin', role: 'admin', password });
  return { created: true, generatedPassword: fromEnv === undefined ? password : undefined };
}

/** Creates `file` with mode 0600 from the start (a leftover from an earlier first run is replaced). */
function writeSecretFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
}
