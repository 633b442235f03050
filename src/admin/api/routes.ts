import { Router, type Request } from 'express';
import { EngineError } from '../../core/errors.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf, audit, principalOf, type AdminContext } from '../context.js';
import {
  controlChannel,
  isChannelCommand,
  reprocessMatching,
  reprocessOne,
  resolveReview,
} from '../service/actions.js';
import { channelOverviews } from '../service/channel-overview.js';
import { exportRaw, readMessageDetail } from '../service/message-detail.js';
import {
  auditableQuery,
  readMessageQuery,
  toMessageFilter,
  withoutPaging,
} from '../service/message-query.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { mappingRoutes } from './mapping-routes.js';
import { testerRoutes } from './tester-routes.js';

export function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isSafeInteger(id) || id < 1)
    throw new EngineError('ADMIN_BAD_REQUEST', 'A message id is a whole number.', { at: 'id' });
  return id;
}

export function noteOf(body: unknown): string | undefined {
  const note = (body as Record<string, unknown> | undefined)?.note;
  return typeof note === 'string' && note.trim() !== '' ? note.trim().slice(0, 2000) : undefined;
}

/** `force: true` (JSON) or `force=true` (form): reprocess a SENT message, repeating its effects. */
export function forceOf(body: unknown): boolean {
  const force = (body as Record<string, unknown> | undefined)?.force;
  return force === true || force === 'true' || force === 'on';
}

/** The JSON admin API under /api (documented in openapi.ts). */
export function apiRoutes(ctx: AdminContext): Router {
  const api = Router();
  api.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  api.get('/session', (_req, res) => {
    const p = principalOf(res);
    res.json({ user: p.user, role: p.role, via: p.via, csrfToken: p.session?.csrfToken ?? null });
  });
  api.get('/channels', requirePermission('channels.view'), async (_req, res) => {
    res.json({
      channels: await channelOverviews({
        channels: ctx.control.channels(),
        store: ctx.control.store,
        now: ctx.clock(),
      }),
    });
  });
  api.post('/channels/:id/:command', requirePermission('channels.control'), async (req, res) => {
    const { id, command } = req.params as { id: string; command: string };
    if (!isChannelCommand(command))
      throw new EngineError('ADMIN_BAD_REQUEST', 'Use start, stop or reload.', { at: 'command' });
    const outcome = await controlChannel(ctx, principalOf(res), { channel: id, command });
    res.status(outcome.ok ? 200 : 422).json(outcome);
  });
  api.get('/messages', requirePermission('messages.view'), async (req, res) => {
    const filter = toMessageFilter(readMessageQuery(req.query));
    const messages = await ctx.control.store.list(filter);
    const full = messages.length === filter.limit;
    res.json({ messages, nextBefore: full ? (messages.at(-1)?.id ?? null) : null });
  });
  api.post('/messages/reprocess', requirePermission('messages.reprocess'), async (req, res) => {
    const query = withoutPaging(readMessageQuery(req.body));
    if (Object.keys(query).length === 0)
      throw new EngineError(
        'ADMIN_BAD_REQUEST',
        'Give at least one filter: reprocessing everything is not allowed.',
      );
    const report = await reprocessMatching(ctx, principalOf(res), {
      filter: toMessageFilter(query),
      describe: auditableQuery(query),
      note: noteOf(req.body),
    });
    res.json({ count: report.done.length, ids: report.done, skipped: report.skipped });
  });
  api.get('/messages/:id', requirePermission('messages.body'), async (req, res) => {
    res.json(await readMessageDetail(ctx, principalOf(res), idParam(req)));
  });
  api.get('/messages/:id/raw', requirePermission('messages.export'), async (req, res) => {
    const id = idParam(req);
    const raw = await exportRaw(ctx, principalOf(res), id);
    res
      .attachment(`${raw.channel}-${id}.${raw.contentType.includes('hl7') ? 'hl7' : 'txt'}`)
      .type(raw.contentType)
      .send(raw.body);
  });
  api.post('/messages/:id/reprocess', requirePermission('messages.reprocess'), async (req, res) => {
    const id = idParam(req);
    const result = await reprocessOne(ctx, principalOf(res), {
      id,
      note: noteOf(req.body),
      force: forceOf(req.body),
    });
    res.json({ id, status: 'RECEIVED', from: result.from, resent: result.resend });
  });
  api.post('/messages/:id/resolve', requirePermission('messages.resolve'), async (req, res) => {
    const id = idParam(req);
    await resolveReview(ctx, principalOf(res), { id, note: noteOf(req.body) ?? '' });
    res.json({ id, status: 'SENT' });
  });
  api.use(testerRoutes(ctx));
  api.use(mappingRoutes(ctx));
  api.get('/audit', requirePermission('audit.view'), async (req, res) => {
    const q = readMessageQuery(req.query);
    const entries = await ctx.control.store.listAudit({
      ...(q.from ? { from: toMessageFilter({ from: q.from }).receivedFrom } : {}),
      ...(q.to ? { to: toMessageFilter({ to: q.to }).receivedTo } : {}),
      limit: Math.min(Number(q.limit ?? 200) || 200, 1000),
    });
    await audit(ctx, { actor: actorOf(principalOf(res)), action: 'audit.view' });
    res.json({ entries });
  });
  api.use((_req) => {
    throw new EngineError('STORE_NOT_FOUND', 'No such API endpoint.');
  });
  return api;
}
