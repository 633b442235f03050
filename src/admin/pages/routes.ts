import { Router } from 'express';
import { EngineError } from '../../core/errors.js';
import { requirePermission } from '../auth/middleware.js';
import { principalOf, type AdminContext } from '../context.js';
import { forceOf, idParam, noteOf } from '../api/routes.js';
import {
  controlChannel,
  isChannelCommand,
  reprocessMatching,
  reprocessOne,
  resolveReview,
} from '../service/actions.js';
import { channelOverviews } from '../service/channel-overview.js';
import { readMessageDetail } from '../service/message-detail.js';
import {
  auditableQuery,
  readMessageQuery,
  toMessageFilter,
  withoutPaging,
} from '../service/message-query.js';
import { mappingFiles } from '../../mapping/files.js';
import { runMappingTest } from '../service/mapping-tester.js';
import { searchMessages } from '../service/message-search.js';
import { withSavedFilter } from '../service/saved-filters.js';
import { actorOf, audit } from '../context.js';
import { readAuditPage, readAuditQuery } from '../service/audit-query.js';
import { auditBody } from '../views/audit.js';
import { summaryFromQuery } from '../views/bulk-summary.js';
import { channelsBody } from '../views/channels.js';
import { messageDetailBody } from '../views/message-detail.js';
import { messagesBody } from '../views/messages.js';
import { testerBody } from '../views/tester.js';
import { flashFrom } from './flash.js';
import { actionRoutes } from './action-routes.js';
import { liveRoutes } from './live-routes.js';
import { mappingPages } from './mapping-pages.js';
import { renderConfirm, renderPage } from './render.js';

/** A form posted from the confirmation (dialog or page) says `confirmed=yes`. */
export function confirmedOf(body: unknown): boolean {
  return (body as Record<string, unknown> | undefined)?.confirmed === 'yes';
}

const PAST: Record<string, string> = { start: 'started', stop: 'stopped', reload: 'reloaded' };

/** Dashboard pages (server-rendered HTML; forms post with the session CSRF token). */
export function pageRoutes(ctx: AdminContext): Router {
  const r = Router();
  r.get('/', requirePermission('channels.view'), async (req, res) => {
    const principal = principalOf(res);
    const channels = await channelOverviews({
      channels: ctx.control.channels(),
      store: ctx.control.store,
      now: ctx.clock(),
    });
    renderPage(res, {
      title: 'Channels',
      section: 'channels',
      flash: flashFrom(req.query),
      live: '/live/channels',
      body: channelsBody(channels, principal),
    });
  });
  r.post('/channels/:id/:command', requirePermission('channels.control'), async (req, res) => {
    const { id, command } = req.params as { id: string; command: string };
    if (!isChannelCommand(command))
      throw new EngineError('ADMIN_BAD_REQUEST', 'Use start, stop or reload.');
    if (command === 'stop' && !confirmedOf(req.body)) {
      // Without the script's dialog (no JavaScript), the confirmation is a page.
      renderConfirm(res, {
        title: `Stop ${id}?`,
        section: 'channels',
        confirm: {
          title: `Stop channel ${id}?`,
          text: 'Its source stops taking messages until someone starts it again; stored messages stay.',
          action: `/channels/${encodeURIComponent(id)}/stop`,
          label: `Stop ${id}`,
          fields: [],
          cancel: '/',
        },
      });
      return;
    }
    const outcome = await controlChannel(ctx, principalOf(res), { channel: id, command });
    res.redirect(303, `/?flash=${outcome.ok ? (PAST[command] ?? '') : 'reload-refused'}`);
  });
  r.get('/messages', requirePermission('messages.view'), async (req, res) => {
    const principal = principalOf(res);
    const query = readMessageQuery(req.query);
    const { messages, nextBefore } = await searchMessages(ctx, principal, query);
    const channels = ctx.control.channels().map((c) => c.id);
    const savedFilters = (await ctx.control.store.listFilters()).map((f) => f.name);
    renderPage(res, {
      title: 'Messages',
      section: 'messages',
      flash: flashFrom(req.query),
      // A free-text search reads bodies and is audited per run: it is not re-run live.
      live:
        query.text === undefined
          ? `/live/messages?${new URLSearchParams({ ...query }).toString()}`
          : undefined,
      body: messagesBody(
        {
          query,
          messages,
          nextBefore,
          channels,
          savedFilters,
          summary: summaryFromQuery(req.query),
        },
        principal,
      ),
    });
  });
  r.post('/messages/reprocess', requirePermission('messages.reprocess'), async (req, res) => {
    const query = withoutPaging(readMessageQuery(req.body));
    if (Object.keys(query).length === 0)
      throw new EngineError(
        'ADMIN_BAD_REQUEST',
        'Search first: reprocessing every message at once is not allowed.',
      );
    if (!confirmedOf(req.body)) {
      renderConfirm(res, {
        title: 'Reprocess all matching?',
        section: 'messages',
        confirm: {
          title: 'Reprocess every message matching this search?',
          text: 'Up to 1,000 messages; SENT, leased and in-flight ones are skipped.',
          action: '/messages/reprocess',
          label: 'Reprocess all matching',
          fields: [...Object.entries(query), ['note', noteOf(req.body) ?? '']],
          cancel: `/messages?${new URLSearchParams({ ...query }).toString()}`,
        },
      });
      return;
    }
    const report = await reprocessMatching(ctx, principalOf(res), {
      filter: toMessageFilter(await withSavedFilter(ctx.control.store, query), ctx.clock()),
      describe: auditableQuery(query),
      note: noteOf(req.body),
    });
    const back = new URLSearchParams({
      ...query,
      flash: report.skipped.length > 0 ? 'bulk-reprocessed-skipped' : 'bulk-reprocessed',
      n: String(report.done.length),
    });
    res.redirect(303, `/messages?${back.toString()}`);
  });
  r.get('/messages/:id', requirePermission('messages.body'), async (req, res) => {
    const principal = principalOf(res);
    const detail = await readMessageDetail(ctx, principal, idParam(req));
    renderPage(res, {
      title: `Message ${detail.message.id}`,
      section: 'messages',
      flash: flashFrom(req.query),
      live: `/live/messages/${detail.message.id}`,
      body: messageDetailBody(detail, principal),
    });
  });
  r.post('/messages/:id/reprocess', requirePermission('messages.reprocess'), async (req, res) => {
    const id = idParam(req);
    await reprocessOne(ctx, principalOf(res), {
      id,
      note: noteOf(req.body),
      force: forceOf(req.body),
    });
    res.redirect(303, `/messages/${id}?flash=reprocessed`);
  });
  r.post('/messages/:id/resolve', requirePermission('messages.resolve'), async (req, res) => {
    const id = idParam(req);
    await resolveReview(ctx, principalOf(res), { id, note: noteOf(req.body) ?? '' });
    res.redirect(303, `/messages/${id}?flash=resolved`);
  });
  r.get('/tester', requirePermission('mapping.test'), (_req, res) => {
    renderPage(res, {
      title: 'Mapping tester',
      section: 'tester',
      body: testerBody({ principal: principalOf(res), mappings: mappingFiles(ctx.configDir()) }),
    });
  });
  r.post('/tester', requirePermission('mapping.test'), async (req, res) => {
    const principal = principalOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const mapping = typeof body.mapping === 'string' ? body.mapping : '';
    const message = typeof body.message === 'string' ? body.message : '';
    const result = await runMappingTest(ctx, principal, { mapping, message });
    renderPage(res, {
      title: 'Mapping tester',
      section: 'tester',
      body: testerBody({
        principal,
        mappings: mappingFiles(ctx.configDir()),
        mapping,
        message,
        result,
      }),
    });
  });
  r.use(mappingPages(ctx));
  r.get('/audit', requirePermission('audit.view'), async (req, res) => {
    const principal = principalOf(res);
    const query = readAuditQuery(req.query);
    const { entries, next } = await readAuditPage(ctx.control.store, query);
    await audit(ctx, { actor: actorOf(principal), action: 'audit.view' });
    renderPage(res, {
      title: 'Audit log',
      section: 'audit',
      body: auditBody({ entries, query, next }),
    });
  });
  r.use(liveRoutes(ctx));
  r.use(actionRoutes(ctx));
  return r;
}
