import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { EngineError, toEngineError } from '../core/errors.js';
import { html } from './views/html.js';
import { page } from './views/layout.js';

/** JSON for the API, metrics and probes (and clients that ask for it); HTML for the dashboard. */
export function wantsJson(req: Request): boolean {
  if (/^\/(api|metrics|readyz|healthz)(\/|$)/.test(req.path)) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Without a principal: the dashboard redirects to the login page, the API answers 401. */
export const requireLogin: RequestHandler = (req, res, next) => {
  if ((res.locals as { principal?: unknown }).principal) {
    next();
    return;
  }
  if (!wantsJson(req) && req.method === 'GET') {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  throw new EngineError('ADMIN_UNAUTHENTICATED', 'Please log in or send a valid API token.');
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    // express.json() raises its own errors for bodies it cannot read.
    const status = (error as { status?: unknown }).status;
    const e =
      error instanceof EngineError
        ? error
        : typeof status === 'number' && status >= 400 && status < 500
          ? new EngineError('ADMIN_BAD_REQUEST', 'The request body could not be read.')
          : toEngineError(error);
    const httpStatus = e.definition.httpStatus;
    if (httpStatus >= 500) {
      logger.error(
        { stage: 'admin', code: e.code, path: req.path, err: e.message },
        'admin request failed',
      );
    }
    if (res.headersSent) return;
    if (wantsJson(req)) {
      res.status(httpStatus).json({
        error: {
          code: e.code,
          message: e.message,
          ...(e.at ? { at: e.at } : {}),
          // A refused reprocess says why and what a forced one would send again.
          ...(e.code === 'STORE_REPROCESS_REFUSED' ? { context: e.context } : {}),
        },
      });
      return;
    }
    res
      .status(httpStatus)
      .type('html')
      .send(
        page({
          title: 'Problem',
          body: html`<section class="card">
            <h1>That did not work</h1>
            <p class="flash error">${e.message}</p>
            <p class="muted">Code ${e.code}. <a href="/">Back to the dashboard</a></p>
          </section>`,
        }),
      );
  };
}
