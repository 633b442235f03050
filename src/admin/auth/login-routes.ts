import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { audit, principalOf, type AdminContext } from '../context.js';
import { loginPage } from '../views/login.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { cookiesOf, requireCsrf, sameToken, SESSION_COOKIE } from './middleware.js';

/** Double-submit cookie guarding the login form itself (there is no session yet). */
const LOGIN_CSRF_COOKIE = 'ersb_login_csrf';

/** Only local paths, so `next` cannot send a user to another site after login. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

function cookieOptions(req: Request) {
  return { httpOnly: true, sameSite: 'strict' as const, secure: req.secure, path: '/' };
}

function showLogin(req: Request, res: Response, status: number, error?: string): void {
  // Reuse the cookie already set: a second tab or a background request for the login page
  // must not invalidate the form the person is filling in.
  const existing = cookiesOf(req)[LOGIN_CSRF_COOKIE];
  const csrf =
    existing && /^[A-Za-z0-9_-]{32}$/.test(existing)
      ? existing
      : randomBytes(24).toString('base64url');
  res.cookie(LOGIN_CSRF_COOKIE, csrf, cookieOptions(req));
  const body = req.body as Record<string, unknown> | undefined;
  const next = safeNext(req.query.next ?? body?.next);
  res.status(status).type('html').send(loginPage({ csrf, next, error }));
}

export function loginRoutes(ctx: AdminContext, options: { loginsPerMinute: number }): Router {
  const router = Router();
  router.get('/login', (req, res) => {
    showLogin(req, res, 200);
  });
  const limiter = rateLimit({
    windowMs: 60_000,
    limit: options.loginsPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      showLogin(req, res, 429, 'Too many login attempts from this address. Wait a minute.');
    },
  });
  router.post('/login', limiter, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (
      !sameToken(
        typeof body._csrf === 'string' ? body._csrf : undefined,
        cookiesOf(req)[LOGIN_CSRF_COOKIE],
      )
    ) {
      showLogin(req, res, 403, 'The login form expired. Please try again.');
      return;
    }
    const now = ctx.clock();
    const lockedUntil = ctx.guard.lockedUntil(username, now);
    if (lockedUntil !== undefined) {
      await audit(ctx, {
        actor: 'anonymous',
        action: 'login.locked',
        target: username,
        detail: { ip: req.ip },
      });
      const minutes = Math.ceil((lockedUntil - now) / 60_000);
      showLogin(
        req,
        res,
        429,
        `Too many failed logins: this account is locked for ${minutes} more minute(s).`,
      );
      return;
    }
    const user = ctx.users.find(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) {
      const locked = ctx.guard.fail(username, now);
      await audit(ctx, {
        actor: 'anonymous',
        action: locked ? 'login.lockout' : 'login.failed',
        target: username,
        detail: { ip: req.ip },
      });
      showLogin(req, res, 401, 'Wrong user name or password.');
      return;
    }
    ctx.guard.succeed(username);
    const session = ctx.sessions.create({
      user: user.name,
      role: user.role,
      credential: user.passwordHash,
      now,
    });
    await audit(ctx, { actor: `user:${user.name}`, action: 'login', detail: { ip: req.ip } });
    res.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    res.cookie(SESSION_COOKIE, session.id, cookieOptions(req));
    res.redirect(303, safeNext(body.next));
  });
  return router;
}

/** Logout must follow authentication and CSRF checks; mounted after them. */
export function logoutRoute(ctx: AdminContext): Router {
  const router = Router();
  router.post('/logout', requireCsrf, async (_req, res) => {
    const principal = principalOf(res);
    if (principal.session) ctx.sessions.destroy(principal.session.id);
    await audit(ctx, { actor: `user:${principal.user}`, action: 'logout' });
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/login');
  });
  return router;
}
