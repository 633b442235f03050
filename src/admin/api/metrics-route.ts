import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import type { AdminContext } from '../context.js';
import {
  messagesByStatus,
  queueDepth,
  registry,
  scrapeMetrics,
  storeHealthy,
} from '../../core/metrics.js';
import { queueDepthOf } from '../service/channel-overview.js';

/** Prometheus scrape: the shared registry, with store gauges refreshed at scrape time. */
export function metricsRoute(ctx: AdminContext): Router {
  const router = Router();
  router.get('/metrics', requirePermission('metrics.view'), async (_req, res) => {
    const health = await ctx.control.store.health().catch(() => ({ ok: false }));
    storeHealthy.set(health.ok ? 1 : 0);
    const counts = await ctx.control.store.countByStatus();
    messagesByStatus.reset();
    queueDepth.reset();
    for (const [channel, byStatus] of Object.entries(counts)) {
      for (const [status, n] of Object.entries(byStatus))
        messagesByStatus.set({ channel, status }, n);
      queueDepth.set({ channel }, queueDepthOf(byStatus));
    }
    res.type(registry.contentType).send(await scrapeMetrics());
  });
  return router;
}
