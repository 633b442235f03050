import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import { alertsView } from '../api/alerts-routes.js';
import { alertsBody } from '../views/alerts.js';
import { renderPage } from './render.js';

/** The dashboard's Alerts page. */
export function alertsPage(ctx: AdminContext): Router {
  const r = Router();
  r.get('/alerts', requirePermission('channels.view'), (_req, res) => {
    const principal = principalOf(res);
    renderPage(res, {
      title: 'Alerts',
      section: 'alerts',
      body: alertsBody(alertsView(ctx), principal),
    });
  });
  r.post('/alerts/check', requirePermission('channels.control'), async (_req, res) => {
    await ctx.control.services.alerts?.checkNow();
    await audit(ctx, { actor: actorOf(principalOf(res)), action: 'alerts.check' });
    res.redirect(303, '/alerts');
  });
  return r;
}
