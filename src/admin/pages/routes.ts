import { Router } from 'express';
import type { AdminContext } from '../context.js';

/** Dashboard pages (server-rendered HTML; forms post with the session CSRF token). */
export function pageRoutes(_ctx: AdminContext): Router {
  const router = Router();
  return router;
}
