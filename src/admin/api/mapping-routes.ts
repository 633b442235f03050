import { Router } from 'express';
import { EngineError } from '../../core/errors.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import {
  diffVersions,
  listVersions,
  mappingIdFrom,
  readVersion,
  replayCandidate,
  replayRequestFrom,
  rollbackAudited,
} from '../service/mapping-versions.js';

/** Mapping history (versions, diff, rollback) and replay under /api/mappings. */
export function mappingRoutes(ctx: AdminContext): Router {
  const router = Router();
  router.get('/mappings/:id/versions', requirePermission('mapping.history'), async (req, res) => {
    res.json({ versions: await listVersions(ctx, mappingIdFrom(req.params.id)) });
  });
  router.get(
    '/mappings/:id/versions/:hash',
    requirePermission('mapping.history'),
    async (req, res) => {
      res.json(await readVersion(ctx, mappingIdFrom(req.params.id), String(req.params.hash)));
    },
  );
  router.get('/mappings/:id/diff', requirePermission('mapping.history'), async (req, res) => {
    const from = typeof req.query.from === 'string' ? req.query.from : '';
    if (from === '')
      throw new EngineError('ADMIN_BAD_REQUEST', 'from (a version hash) is required.', {
        at: 'from',
      });
    const to = typeof req.query.to === 'string' && req.query.to !== '' ? req.query.to : undefined;
    res.json({ diff: await diffVersions(ctx, mappingIdFrom(req.params.id), from, to) });
  });
  router.post('/mappings/:id/rollback', requirePermission('mapping.rollback'), async (req, res) => {
    const id = mappingIdFrom(req.params.id);
    res.json(await rollbackAudited(ctx, principalOf(res), id, req.body));
  });
  router.post('/mappings/replay', requirePermission('mapping.replay'), async (req, res) => {
    const result = await replayCandidate(ctx, replayRequestFrom(req.body));
    await audit(ctx, {
      actor: actorOf(principalOf(res)),
      action: 'mapping.replay',
      target: result.mappingId,
      detail: { ...result.summary },
    });
    res.json(result);
  });
  return router;
}
