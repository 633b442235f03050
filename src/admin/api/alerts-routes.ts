import { Router } from 'express';
import type { AlertsView } from '../../alerts/index.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';

/** What /api/alerts answers when the engine runs without alerts (settings.alerts.enabled false). */
export const ALERTS_OFF: AlertsView = {
  enabled: false,
  intervalMs: 0,
  checkedAt: null,
  checkError: null,
  open: [],
  recent: [],
  receivers: [],
};

export const alertsView = (ctx: AdminContext): AlertsView =>
  ctx.control.services.alerts?.view() ?? ALERTS_OFF;

/** GET /api/alerts (open and recent incidents, receivers); POST /api/alerts/check runs a check now. */
export function alertsApi(ctx: AdminContext): Router {
  const api = Router();
  api.get('/alerts', requirePermission('channels.view'), (_req, res) => {
    res.json(alertsView(ctx));
  });
  api.post('/alerts/check', requirePermission('channels.control'), async (_req, res) => {
    await ctx.control.services.alerts?.checkNow();
    await audit(ctx, { actor: actorOf(principalOf(res)), action: 'alerts.check' });
    res.json(alertsView(ctx));
  });
  return api;
}
