import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import { EngineError } from '../../core/errors.js';
import { principalOf, setPrincipal, type AdminContext } from '../context.js';
import { can, PERMISSIONS, type Permission } from './roles.js';
import { parseToken, secretMatches } from './tokens.js';

export const SESSION_COOKIE = 'ersb_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function cookiesOf(req: Request): Record<string, string | undefined> {
  return parseCookies(req.headers.cookie ?? '');
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Finds the principal from a bearer token or the session cookie; leaves it unset otherwise. */
export function identify(ctx: AdminContext): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const parsed = /^Bearer (\S+)$/i.exec(header);
      const token = parsed?.[1] ? parseToken(parsed[1]) : undefined;
      const found = token ? ctx.users.findToken(token.id) : undefined;
      if (!token || !found || !secretMatches(token.secret, found.token.secretHash)) {
        throw new EngineError('ADMIN_UNAUTHENTICATED', 'The API token is not valid.');
      }
      setPrincipal(res, { user: found.user.name, role: found.user.role, via: 'token' });
      next();
      return;
    }
    const sessionId = cookiesOf(req)[SESSION_COOKIE];
    const session = sessionId ? ctx.sessions.touch(sessionId, ctx.clock()) : undefined;
    // The role is read again from the users file, so a changed role applies at once; a
    // changed password (or a deleted user) ends the session.
    const user = session ? ctx.users.find(session.user) : undefined;
    if (session && user?.passwordHash === session.credential) {
      setPrincipal(res, { user: user.name, role: user.role, via: 'session', session });
    }
    next();
  };
}

/**
 * Browser requests that change state must echo the session's CSRF token (header
 * `x-csrf-token` or form field `_csrf`). Bearer-token calls carry no ambient credential, so a
 * forged cross-site request cannot use them: they are exempt.
 */
export const requireCsrf: RequestHandler = (req, res, next) => {
  if (SAFE_METHODS.has(req.method)) {
    next();
    return;
  }
  const principal = principalOf(res);
  if (principal.via === 'token') {
    next();
    return;
  }
  const body = req.body as Record<string, unknown> | undefined;
  const sent =
    req.get('x-csrf-token') ?? (typeof body?._csrf === 'string' ? body._csrf : undefined);
  if (!sameToken(sent, principal.session?.csrfToken)) {
    throw new EngineError(
      'ADMIN_CSRF',
      'This form has expired or did not come from the dashboard. Reload the page and try again.',
    );
  }
  next();
};

export function requirePermission(permission: Permission): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    const principal = principalOf(res);
    if (!can(principal.role, permission)) {
      throw new EngineError(
        'ADMIN_FORBIDDEN',
        `Your role (${principal.role}) cannot do this; it needs ${PERMISSIONS[permission]}.`,
        { context: { permission } },
      );
    }
    next();
  };
}
