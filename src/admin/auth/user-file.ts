import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomicallySync } from '../../core/atomic-write.js';
import { Role } from './roles.js';

/** Where users live: `$ERS_BRIDGE_USERS_FILE`, else `<dataDir>/users.json` (mode 0600). */
export function usersFilePath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.ERS_BRIDGE_USERS_FILE ?? join(dataDir, 'users.json');
}

const TokenSchema = z.object({
  id: z.string(),
  label: z.string(),
  secretHash: z.string(),
  createdAt: z.number(),
});

const UserSchema = z.object({
  name: z.string().regex(/^[a-z0-9._-]{1,64}$/),
  role: z.enum([Role.viewer, Role.operator, Role.admin]),
  passwordHash: z.string(),
  createdAt: z.number(),
  tokens: z.array(TokenSchema).default([]),
});

const UsersFileSchema = z.object({ version: z.literal(1), users: z.array(UserSchema) });

export type UserRecord = z.infer<typeof UserSchema>;
export type TokenRecord = z.infer<typeof TokenSchema>;
export type UsersFile = z.infer<typeof UsersFileSchema>;

export const USER_NAME_PATTERN = /^[a-z0-9._-]{1,64}$/;

export function readUsersFile(file: string): UsersFile {
  if (!existsSync(file)) return { version: 1, users: [] };
  const parsed = UsersFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Writes beside and renames, so a crash never leaves half a file; owner-only permissions. */
export function writeUsersFile(file: string, data: UsersFile): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomicallySync(file, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The users file as the server sees it: re-read whenever it changed on disk, so users added
 * with `ers-bridge users add` while the engine runs can log in without a restart.
 */
export class UserDirectory {
  private cached: UsersFile = { version: 1, users: [] };
  private cachedMtimeMs = -1;

  constructor(readonly file: string) {}

  current(): UsersFile {
    const mtimeMs = existsSync(this.file) ? statSync(this.file).mtimeMs : 0;
    if (mtimeMs !== this.cachedMtimeMs) {
      this.cached = readUsersFile(this.file);
      this.cachedMtimeMs = mtimeMs;
    }
    return this.cached;
  }

  find(name: string): UserRecord | undefined {
    return this.current().users.find((u) => u.name === name);
  }

  findToken(id: string): { user: UserRecord; token: TokenRecord } | undefined {
    for (const user of this.current().users) {
      const token = user.tokens.find((t) => t.id === id);
      if (token) return { user, token };
    }
    return undefined;
  }

  update(change: (data: UsersFile) => UsersFile): void {
    writeUsersFile(this.file, change(readUsersFile(this.file)));
    this.cachedMtimeMs = -1;
  }
}
