import { Router } from 'express';
import { EngineError } from '../../core/errors.js';
import { requirePermission } from '../auth/middleware.js';
import { principalOf, type AdminContext } from '../context.js';
import { idParam } from '../api/routes.js';
import { channelOverviews, withLiveState } from '../service/channel-overview.js';
import { sharedRecent } from '../service/overview-cache.js';
import { messageFacts } from '../service/patient-facts.js';
import { readMessageQuery, toMessageFilter } from '../service/message-query.js';
import { withSavedFilter } from '../service/saved-filters.js';
import { channelGrid } from '../views/channels.js';
import { liveFragment } from '../views/live.js';
import { messageLiveParts } from '../views/message-detail.js';
import { messageRows } from '../views/messages.js';

/**
 * The fragments live pages poll (views/live.ts): the same markup as the page's live parts. The
 * message fragment holds status, error, actions and history but never the body, so its polls
 * are not audited as body reads (opening the page was).
 */
export function liveRoutes(ctx: AdminContext): Router {
  const r = Router();
  const overviews = sharedRecent({
    compute: () =>
      channelOverviews({
        channels: ctx.control.channels(),
        store: ctx.control.store,
        now: ctx.clock(),
      }),
    clock: ctx.clock,
    // Under the 2 s poll: each poll sees data at most one poll old while the store is small.
    minAgeMs: 1500,
  });
  r.get('/live/channels', requirePermission('channels.view'), async (_req, res) => {
    const channels = withLiveState(await overviews(), ctx.control.channels());
    res.type('html').send(liveFragment([channelGrid(channels, principalOf(res))]));
  });
  r.get('/live/messages', requirePermission('messages.view'), async (req, res) => {
    const query = await withSavedFilter(ctx.control.store, readMessageQuery(req.query));
    if (query.text !== undefined)
      // Reads bodies and is audited per run (service/message-search.ts): never re-run unseen.
      throw new EngineError('ADMIN_BAD_REQUEST', 'A free-text search is not refreshed live.', {
        at: 'text',
      });
    const messages = await ctx.control.store.list(toMessageFilter(query, ctx.clock()));
    const view = { query, messages, nextBefore: null, channels: [] };
    res.type('html').send(liveFragment([messageRows(view, principalOf(res))]));
  });
  r.get('/live/messages/:id', requirePermission('messages.body'), async (req, res) => {
    const id = idParam(req);
    const message = await ctx.control.store.get(id);
    if (!message) throw new EngineError('STORE_NOT_FOUND', `There is no message ${id}.`);
    // Whether there is a body, never its text: the parts do not render it, but its presence
    // decides the Edit-and-resend button, which a null would remove on the first poll.
    const detail = {
      message: { ...message, raw: message.raw === null ? null : '' },
      hl7: null,
      events: await ctx.control.store.events(id),
      attempts: [],
      facts: messageFacts(message),
      resends: [],
    };
    res.type('html').send(liveFragment(messageLiveParts(detail, principalOf(res))));
  });
  return r;
}
