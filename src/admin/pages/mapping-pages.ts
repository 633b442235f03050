import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Request } from 'express';
import { EngineError, isEngineError } from '../../core/errors.js';
import { deployedMapping } from '../../mapping/versions.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import { listMappingFiles } from '../service/mapping-tester.js';
import {
  diffVersions,
  listVersions,
  replayCandidate,
  rollbackMapping,
} from '../service/mapping-versions.js';
import { page } from '../views/layout.js';
import { mappingBody, mappingsBody, type MappingPage } from '../views/mappings.js';
import { flashFrom } from './flash.js';

const ID_LINE = /^id:\s*([a-z0-9][a-z0-9-]*)\s*(#.*)?$/m;

function mappingId(req: Request): string {
  const id = String(req.params.id);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      'A mapping id is lower-case letters, digits and dashes.',
    );
  return id;
}

const field = (body: unknown, name: string): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

/** Dashboard pages for mapping versions and replay (the API has the same under /api/mappings). */
export function mappingPages(ctx: AdminContext): Router {
  const r = Router();

  async function render(
    req: Request,
    id: string,
    extra: Partial<Pick<MappingPage, 'candidate' | 'replay' | 'replayError'>> & {
      principal: MappingPage['principal'];
    },
  ): Promise<string> {
    const deployed = deployedMapping(ctx.configDir(), id);
    const from = typeof req.query.from === 'string' ? req.query.from : undefined;
    const diff =
      from === undefined ? undefined : { from, text: await diffVersions(ctx, id, from, undefined) };
    return page({
      title: `Mapping ${id}`,
      principal: extra.principal,
      section: 'mappings',
      flash: flashFrom(req.query),
      body: mappingBody({
        id,
        principal: extra.principal,
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
    for (const file of listMappingFiles(configDir)) {
      const id = ID_LINE.exec(readFileSync(join(configDir, file), 'utf8'))?.[1];
      // Letter templates live under mappings/letters but are not mappings.
      if (id === undefined || file.includes('/letters/')) continue;
      rows.push({ id, file, versions: (await ctx.control.store.mappingVersions(id)).length });
    }
    res.type('html').send(
      page({
        title: 'Mappings',
        principal: principalOf(res),
        section: 'mappings',
        body: mappingsBody(rows),
      }),
    );
  });
  r.get('/mappings/:id', requirePermission('mapping.history'), async (req, res) => {
    res.type('html').send(await render(req, mappingId(req), { principal: principalOf(res) }));
  });
  r.post('/mappings/:id/rollback', requirePermission('mapping.rollback'), async (req, res) => {
    const id = mappingId(req);
    const version = field(req.body, 'version');
    if (version === undefined) throw new EngineError('ADMIN_BAD_REQUEST', 'Which version?');
    const result = await rollbackMapping(ctx, id, version);
    await audit(ctx, {
      actor: actorOf(principalOf(res)),
      action: 'mapping.rollback',
      target: id,
      detail: result,
    });
    res.redirect(303, `/mappings/${id}?flash=rolled-back`);
  });
  r.post('/mappings/:id/replay', requirePermission('mapping.replay'), async (req, res) => {
    const id = mappingId(req);
    const principal = principalOf(res);
    const candidate =
      typeof (req.body as Record<string, unknown>).candidate === 'string'
        ? String((req.body as Record<string, unknown>).candidate)
        : '';
    const date = (name: string): number | undefined => {
      const v = field(req.body, name);
      return v === undefined || Number.isNaN(Date.parse(v)) ? undefined : Date.parse(v);
    };
    const limit = Number(field(req.body, 'limit') ?? 1000);
    const since = date('since');
    const until = date('until');
    try {
      const result = await replayCandidate(ctx, {
        candidate,
        limit: Number.isSafeInteger(limit) && limit > 0 ? limit : 1000,
        ...(field(req.body, 'channel') ? { channel: field(req.body, 'channel') } : {}),
        ...(field(req.body, 'type') ? { type: field(req.body, 'type') } : {}),
        ...(field(req.body, 'status')
          ? {
              status: (field(req.body, 'status') ?? '')
                .split(',')
                .map((s) => s.trim().toUpperCase()),
            }
          : {}),
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
      });
      await audit(ctx, {
        actor: actorOf(principal),
        action: 'mapping.replay',
        target: result.mappingId,
        detail: { ...result.summary },
      });
      res.type('html').send(await render(req, id, { principal, candidate, replay: result }));
    } catch (error) {
      if (!isEngineError(error)) throw error;
      res
        .type('html')
        .send(
          await render(req, id, {
            principal,
            candidate,
            replayError: `${error.code}: ${error.message}`,
          }),
        );
    }
  });
  return r;
}
