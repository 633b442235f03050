import { Router, type Request } from 'express';
import { EngineError } from '../../core/errors.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import {
  API_REPLAY_LIMIT,
  diffVersions,
  listVersions,
  readVersion,
  replayCandidate,
  rollbackMapping,
} from '../service/mapping-versions.js';

const MAPPING_ID = /^[a-z0-9][a-z0-9-]*$/;

function mappingIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!MAPPING_ID.test(id))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      'A mapping id is lower-case letters, digits and dashes.',
      {
        at: 'id',
      },
    );
  return id;
}

const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

function timeOf(name: string, v: unknown): number | undefined {
  const t = text(v);
  if (t === undefined) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms))
    throw new EngineError(
      'ADMIN_BAD_REQUEST',
      `${name} is not a date (2026-12-05 or ISO date-time).`,
      {
        at: name,
      },
    );
  return ms;
}

/** Mapping history (versions, diff, rollback) and replay under /api/mappings. */
export function mappingRoutes(ctx: AdminContext): Router {
  const router = Router();
  router.get('/mappings/:id/versions', requirePermission('mapping.history'), async (req, res) => {
    res.json({ versions: await listVersions(ctx, mappingIdOf(req)) });
  });
  router.get(
    '/mappings/:id/versions/:hash',
    requirePermission('mapping.history'),
    async (req, res) => {
      res.json(await readVersion(ctx, mappingIdOf(req), String(req.params.hash)));
    },
  );
  router.get('/mappings/:id/diff', requirePermission('mapping.history'), async (req, res) => {
    const from = text(req.query.from);
    if (from === undefined)
      throw new EngineError('ADMIN_BAD_REQUEST', 'from (a version hash) is required.', {
        at: 'from',
      });
    res.json({ diff: await diffVersions(ctx, mappingIdOf(req), from, text(req.query.to)) });
  });
  router.post('/mappings/:id/rollback', requirePermission('mapping.rollback'), async (req, res) => {
    const id = mappingIdOf(req);
    const version = text((req.body as Record<string, unknown> | undefined)?.version);
    if (version === undefined)
      throw new EngineError('ADMIN_BAD_REQUEST', 'version (a hash) is required.', {
        at: 'version',
      });
    const result = await rollbackMapping(ctx, id, version);
    await audit(ctx, {
      actor: actorOf(principalOf(res)),
      action: 'mapping.rollback',
      target: id,
      detail: result,
    });
    res.json(result);
  });
  router.post('/mappings/replay', requirePermission('mapping.replay'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const candidate = typeof body.candidate === 'string' ? body.candidate : '';
    if (candidate.trim() === '')
      throw new EngineError('ADMIN_BAD_REQUEST', 'candidate (the mapping text) is required.', {
        at: 'candidate',
      });
    const limit = Number(body.limit ?? 1000);
    const status = text(body.status)
      ?.split(',')
      .map((s) => s.trim().toUpperCase());
    const result = await replayCandidate(ctx, {
      candidate,
      limit: Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, API_REPLAY_LIMIT) : 1000,
      ...(text(body.channel) ? { channel: text(body.channel) } : {}),
      ...(text(body.type) ? { type: text(body.type) } : {}),
      ...(status ? { status } : {}),
      ...(timeOf('since', body.since) === undefined ? {} : { since: timeOf('since', body.since) }),
      ...(timeOf('until', body.until) === undefined ? {} : { until: timeOf('until', body.until) }),
    });
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
