import type { Logger } from 'pino';
import type { Response } from 'express';
import type { EngineSettings } from '../core/settings.js';
import type { EngineControl } from '../engine/control.js';
import { EngineError } from '../core/errors.js';
import type { LoginGuard } from './auth/login-guard.js';
import type { Role } from './auth/roles.js';
import type { Session, SessionStore } from './auth/sessions.js';
import type { UserDirectory } from './auth/user-file.js';

/** Everything a route needs, built once per server. */
export interface AdminContext {
  readonly control: EngineControl;
  readonly settings: EngineSettings;
  readonly logger: Logger;
  readonly users: UserDirectory;
  readonly sessions: SessionStore;
  readonly guard: LoginGuard;
  readonly clock: () => number;
  /** The config folder (holding channels/ and mappings/), for the mapping tester. */
  configDir(): string;
}

/** Who is asking: a dashboard session (cookie) or an API token (bearer). */
export interface Principal {
  readonly user: string;
  readonly role: Role;
  readonly via: 'session' | 'token';
  readonly session?: Session;
}

export function principalOf(res: Response): Principal {
  const principal = (res.locals as { principal?: Principal }).principal;
  if (!principal) throw new EngineError('ADMIN_UNAUTHENTICATED', 'Please log in.');
  return principal;
}

export function setPrincipal(res: Response, principal: Principal): void {
  (res.locals as { principal?: Principal }).principal = principal;
}

/** The actor written in message events and audit rows for a person. */
export function actorOf(principal: Principal): string {
  return `user:${principal.user}`;
}

/** Appends one audit row; the audit log is append-only in the store. */
export async function audit(
  ctx: AdminContext,
  entry: { actor: string; action: string; target?: string; detail?: Record<string, unknown> },
): Promise<void> {
  await ctx.control.store.appendAudit({
    at: ctx.clock(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target ?? null,
    detail: entry.detail ?? {},
  });
}
