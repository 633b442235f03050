import { randomBytes } from 'node:crypto';
import type { Role } from './roles.js';

export interface Session {
  readonly id: string;
  readonly user: string;
  readonly role: Role;
  /** Synchroniser token: every state-changing browser request must echo it. */
  readonly csrfToken: string;
  /** The password hash at login: a changed password ends the session (checked per request). */
  readonly credential: string;
  readonly createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  /** Logged out after this long without a request. */
  readonly idleMs: number;
  /** Logged out after this long whatever happens (a shift). */
  readonly absoluteMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
};

/**
 * Sessions live in memory: a restart logs everyone out, which is the safe side for an
 * engine that restarts rarely. The id is 32 random bytes, sent only as an HttpOnly cookie.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS) {}

  create(options: { user: string; role: Role; credential: string; now: number }): Session {
    const { user, role, credential, now } = options;
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      user,
      role,
      credential,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session for an id, touched; undefined (and forgotten) once expired. */
  touch(id: string, now: number): Session | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (this.expired(session, now)) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeenAt = now;
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of a user (password changed, role changed). */
  destroyUser(user: string): void {
    for (const [id, s] of this.sessions) if (s.user === user) this.sessions.delete(id);
  }

  sweep(now: number): void {
    for (const [id, s] of this.sessions) if (this.expired(s, now)) this.sessions.delete(id);
  }

  private expired(session: Session, now: number): boolean {
    return (
      now - session.lastSeenAt > this.limits.idleMs ||
      now - session.createdAt > this.limits.absoluteMs
    );
  }
}
