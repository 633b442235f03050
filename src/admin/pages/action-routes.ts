import { Router, type Request } from 'express';
import { requirePermission } from '../auth/middleware.js';
import { can } from '../auth/roles.js';
import { principalOf, type AdminContext } from '../context.js';
import { forceOf, idParam, noteOf } from '../api/routes.js';
import { applyBulk, idsOf, isBulkAction } from '../service/bulk-actions.js';
import { editAndResend } from '../service/edit-resend.js';
import { readMessageDetail } from '../service/message-detail.js';
import { EngineError } from '../../core/errors.js';
import { summaryParams } from '../views/bulk-summary.js';
import { messageEditBody } from '../views/message-edit.js';
import { renderConfirm, renderPage } from './render.js';

/** The messages list's search, carried through the bulk form as `back_<key>` fields. */
function backQuery(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body))
    if (k.startsWith('back_') && typeof v === 'string' && v !== '') out[k.slice(5)] = v;
  return out;
}

function formOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

/** Dashboard forms for picked messages (bulk) and edit-and-resend. */
export function actionRoutes(ctx: AdminContext): Router {
  const r = Router();
  r.post('/messages/bulk', requirePermission('messages.reprocess'), async (req, res) => {
    const body = formOf(req);
    const action = body['action'];
    if (!isBulkAction(action))
      throw new EngineError('ADMIN_BAD_REQUEST', 'Pick reprocess or resolve.', { at: 'action' });
    const ids = idsOf(body);
    const principal = principalOf(res);
    if (action === 'resolve' && !can(principal.role, 'messages.resolve')) {
      throw new EngineError('ADMIN_FORBIDDEN', 'Your role may not resolve messages.');
    }
    const note = noteOf(body);
    const force = forceOf(body);
    if (body['confirmed'] !== 'yes') {
      const fields: [string, string][] = [
        ['action', action],
        ...ids.map((id): [string, string] => ['id', String(id)]),
        ...(note ? [['note', note] as [string, string]] : []),
        ...(force ? [['force', 'true'] as [string, string]] : []),
        ...Object.entries(backQuery(body)).map(([k, v]): [string, string] => [`back_${k}`, v]),
      ];
      renderConfirm(res, {
        title: 'Confirm',
        section: 'messages',
        confirm: {
          title: `${action === 'resolve' ? 'Mark resolved' : 'Reprocess'} ${ids.length} message(s)?`,
          text: force
            ? 'SENT messages among them are sent again.'
            : 'SENT, leased and in-flight messages are skipped.',
          action: '/messages/bulk',
          label: action === 'resolve' ? 'Mark resolved' : 'Reprocess',
          fields,
          cancel: '/messages',
        },
      });
      return;
    }
    const summary = await applyBulk(ctx, principal, {
      action,
      ids,
      ...(note ? { note } : {}),
      force,
    });
    const back = new URLSearchParams({ ...backQuery(body), ...summaryParams(summary) });
    res.redirect(303, `/messages?${back.toString()}`);
  });
  r.get('/messages/:id/edit', requirePermission('messages.resend'), async (req, res) => {
    const principal = principalOf(res);
    const detail = await readMessageDetail(ctx, principal, idParam(req));
    if (detail.message.raw === null)
      throw new EngineError(
        'STORE_NOT_FOUND',
        `The body of message ${detail.message.id} was removed by retention.`,
      );
    renderPage(res, {
      title: `Edit message ${detail.message.id}`,
      section: 'messages',
      body: messageEditBody(detail, principal),
    });
  });
  r.post('/messages/:id/resend', requirePermission('messages.resend'), async (req, res) => {
    const body = formOf(req);
    const outcome = await editAndResend(ctx, principalOf(res), {
      id: idParam(req),
      body: typeof body['body'] === 'string' ? body['body'] : '',
      note: noteOf(body),
      allowSent: body['allowSent'] === 'true' || body['allowSent'] === true,
    });
    res.redirect(303, `/messages/${outcome.newId}?flash=resent`);
  });
  return r;
}
