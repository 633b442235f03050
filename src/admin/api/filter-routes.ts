import { Router } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { principalOf, type AdminContext } from '../context.js';
import { readMessageQuery } from '../service/message-query.js';
import { deleteFilter, saveFilter } from '../service/message-search.js';

/** Saved searches under /api/filters (documented in openapi.ts). */
export function filterRoutes(ctx: AdminContext): Router {
  const r = Router();
  r.get('/filters', requirePermission('messages.view'), async (_req, res) => {
    res.json({ filters: await ctx.control.store.listFilters() });
  });
  r.put('/filters/:name', requirePermission('filters.manage'), async (req, res) => {
    const name = String(req.params['name']);
    const query = await saveFilter(ctx, principalOf(res), {
      name,
      query: readMessageQuery(req.body),
    });
    res.json({ name, query });
  });
  r.delete('/filters/:name', requirePermission('filters.manage'), async (req, res) => {
    const name = String(req.params['name']);
    await deleteFilter(ctx, principalOf(res), name);
    res.json({ name, deleted: true });
  });
  return r;
}
