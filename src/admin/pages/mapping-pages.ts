import { join } from 'node:path';
import { Router, type Request, type Response } from 'express';
import { isEngineError } from '../../core/errors.js';
import { mappingFiles, readMappingId } from '../../mapping/files.js';
import { deployedMapping } from '../../mapping/versions.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import {
  diffVersions,
  listVersions,
  mappingIdFrom,
  replayCandidate,
  replayRequestFrom,
  rollbackAudited,
} from '../service/mapping-versions.js';
import { mappingBody, mappingsBody, type MappingPage } from '../views/mappings.js';
import { flashFrom } from './flash.js';
import { renderPage } from './render.js';

/** Dashboard pages for mapping versions and replay (the API has the same under /api/mappings). */
export function mappingPages(ctx: AdminContext): Router {
  const r = Router();

  async function render(
    req: Request,
    res: Response,
    id: string,
    extra: Partial<Pick<MappingPage, 'candidate' | 'replay' | 'replayError'>> = {},
  ): Promise<void> {
    const deployed = deployedMapping(ctx.configDir(), id);
    const from = typeof req.query.from === 'string' ? req.query.from : undefined;
    const diff =
      from === undefined ? undefined : { from, text: await diffVersions(ctx, id, from, undefined) };
    renderPage(res, {
      title: `Mapping ${id}`,
      section: 'mappings',
      flash: flashFrom(req.query),
      body: mappingBody({
        id,
        principal: principalOf(res),
        versions: await listVersions(ctx, id),
        diff,
        candidate: extra.candidate ?? deployed?.source.text ?? '',
        replay: extra.replay,
        replayError: extra.replayError,
      }),
    });
  }

  r.get('/mappings', requirePermission('mapping.history'), async (_req, res) => {
    const configDir = ctx.configDir();
    const rows = [];
    for (const file of mappingFiles(configDir)) {
      const id = readMappingId(join(configDir, file));
      // Letter templates live under mappings/letters but are not mappings.
      if (id === undefined || file.includes('/letters/')) continue;
      rows.push({ id, file, versions: (await ctx.control.store.mappingVersions(id)).length });
    }
    renderPage(res, { title: 'Mappings', section: 'mappings', body: mappingsBody(rows) });
  });
  r.get('/mappings/:id', requirePermission('mapping.history'), async (req, res) => {
    await render(req, res, mappingIdFrom(req.params.id));
  });
  r.post('/mappings/:id/rollback', requirePermission('mapping.rollback'), async (req, res) => {
    const id = mappingIdFrom(req.params.id);
    await rollbackAudited(ctx, principalOf(res), id, req.body);
    res.redirect(303, `/mappings/${id}?flash=rolled-back`);
  });
  r.post('/mappings/:id/replay', requirePermission('mapping.replay'), async (req, res) => {
    const id = mappingIdFrom(req.params.id);
    const principal = principalOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const candidate = typeof body.candidate === 'string' ? body.candidate : '';
    try {
      const result = await replayCandidate(ctx, replayRequestFrom(body));
      await audit(ctx, {
        actor: actorOf(principal),
        action: 'mapping.replay',
        target: result.mappingId,
        detail: { ...result.summary },
      });
      await render(req, res, id, { candidate, replay: result });
    } catch (error) {
      // A candidate that does not compile (or a bad field) comes back on the page, text kept.
      if (!isEngineError(error)) throw error;
      await render(req, res, id, { candidate, replayError: `${error.code}: ${error.message}` });
    }
  });
  return r;
}
