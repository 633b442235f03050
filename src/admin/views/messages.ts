import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { MessageQuery } from '../service/message-query.js';
import type { MessageSummary } from '../../core/store-types.js';
import { html, type Html } from './html.js';
import { csrfField, formatTime } from './layout.js';
import { STATUS_ORDER, statusBadge } from './widgets.js';

export interface MessagesView {
  readonly query: MessageQuery;
  readonly messages: readonly MessageSummary[];
  readonly nextBefore: number | null;
  readonly channels: readonly string[];
}

function field(
  name: keyof MessageQuery,
  label: string,
  query: MessageQuery,
  extra: { placeholder?: string; type?: string } = {},
): Html {
  return html`<label
    >${label}<input
      name="${name}"
      value="${query[name] ?? ''}"
      placeholder="${extra.placeholder ?? ''}"
      type="${extra.type ?? 'text'}"
  /></label>`;
}

function filterForm(v: MessagesView): Html {
  const q = v.query;
  return html`<form method="get" action="/messages" class="filters card">
    <label
      >Channel
      <select name="channel">
        <option value="">All channels</option>
        ${v.channels.map((c) => html`<option value="${c}" ${q.channel === c ? html`selected` : ''}>${c}</option>`)}
      </select></label
    >
    <label
      >Status
      <select name="status">
        <option value="">Any status</option>
        ${STATUS_ORDER.map((s) => html`<option value="${s}" ${q.status === s ? html`selected` : ''}>${s}</option>`)}
      </select></label
    >
    ${field('type', 'Message type', q, { placeholder: 'REF^I12' })}
    ${field('controlId', 'MSH-10', q)} ${field('ubrn', 'UBRN', q, { placeholder: '12 digits' })}
    ${field('nhsNumber', 'NHS number', q, { placeholder: 'searched by hash' })}
    ${field('from', 'Received from', q, { placeholder: '2026-11-25T06:00' })}
    ${field('to', 'Received to', q)}
    <div class="buttons">
      <button type="submit" class="primary">Search</button>
      <a href="/messages" class="button">Clear</a>
    </div>
  </form>`;
}

function queryString(query: MessageQuery, extra: Record<string, string>): string {
  const params = new URLSearchParams();
  for (const [k, value] of Object.entries({ ...query, ...extra })) if (value) params.set(k, value);
  return params.toString();
}

function bulkForm(v: MessagesView, principal: Principal): Html {
  const { before: _b, limit: _l, ...filter } = v.query;
  if (
    !can(principal.role, 'messages.reprocess') ||
    Object.keys(filter).length === 0 ||
    v.messages.length === 0
  )
    return html``;
  return html`<form method="post" action="/messages/reprocess" class="bulk card">
    ${csrfField(principal)}
    ${Object.entries(filter).map(([k, value]) => html`<input type="hidden" name="${k}" value="${value}" />`)}
    <label>Note <input name="note" placeholder="why (kept in the audit log)" /></label>
    <button type="submit">Reprocess every message matching this search</button>
    <span class="muted">(up to 1,000 at a time)</span>
  </form>`;
}

function rows(v: MessagesView): Html {
  if (v.messages.length === 0)
    return html`<p class="card muted">No message matches this search.</p>`;
  return html`<table class="list">
    <thead>
      <tr>
        <th>#</th>
        <th>Received</th>
        <th>Channel</th>
        <th>Type</th>
        <th>MSH-10</th>
        <th>Status</th>
        <th>Tries</th>
        <th>Error</th>
      </tr>
    </thead>
    <tbody>
      ${v.messages.map(
        (m) =>
          html`<tr>
            <td><a href="/messages/${m.id}">${m.id}</a></td>
            <td>${formatTime(m.receivedAt)}</td>
            <td>${m.channel}</td>
            <td>${m.messageType ?? ''}</td>
            <td><code>${m.controlId ?? ''}</code></td>
            <td>${statusBadge(m.status)}</td>
            <td>${m.attempts}</td>
            <td>${m.errorCode ? html`<span class="code">${m.errorCode}</span>` : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function messagesBody(v: MessagesView, principal: Principal): Html {
  const newer = v.query.before
    ? html`<a class="button" href="/messages?${queryString(v.query, { before: '' })}">← Newest</a>`
    : '';
  const older = v.nextBefore
    ? html`<a
        class="button"
        href="/messages?${queryString(v.query, { before: String(v.nextBefore) })}"
        >Older →</a
      >`
    : '';
  return html`<h1>Messages</h1>
    ${filterForm(v)} ${bulkForm(v, principal)} ${rows(v)}
    <nav class="pager">${newer} ${older}</nav>`;
}
