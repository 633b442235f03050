import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { MessageQuery } from '../service/message-query.js';
import type { MessageSummary } from '../../core/store-types.js';
import { html, type Html } from './html.js';
import { csrfField, formatTime } from './layout.js';
import { STATUS_ORDER, queryField, statusBadge } from './widgets.js';
import { bulkSummary } from './bulk-summary.js';
import { livePart } from './live.js';
import type { BulkSummary } from '../service/bulk-actions.js';

export interface MessagesView {
  readonly query: MessageQuery;
  readonly messages: readonly MessageSummary[];
  readonly nextBefore: number | null;
  readonly channels: readonly string[];
  /** Names of the saved searches, offered in the form. */
  readonly savedFilters?: readonly string[];
  /** What the last bulk action did (shown once, after its redirect). */
  readonly summary?: BulkSummary | undefined;
}

function filterForm(v: MessagesView, canReadBodies: boolean): Html {
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
    ${queryField('type', 'Message type', q, { placeholder: 'ref^i12: any case' })}
    ${queryField('controlId', 'MSH-10', q)}
    ${queryField('ubrn', 'UBRN', q, { placeholder: '12 digits' })}
    ${queryField('nhsNumber', 'NHS number', q, { placeholder: 'searched by hash' })}
    ${queryField('file', 'Source file', q, { placeholder: 'referrals.csv' })}
    ${queryField('row', 'Row', q, { placeholder: 'in that file', type: 'number' })}
    ${queryField('since', 'Received since', q, { placeholder: '24h, 7d or 2026-11-25T06:00' })}
    ${queryField('until', 'Received until', q)}
    ${canReadBodies ? queryField('text', 'Text in body', q, { placeholder: 'words (audited)' }) : ''}
    ${
      (v.savedFilters ?? []).length === 0
        ? ''
        : html`<label
            >Saved filter
            <select name="filter">
              <option value="">None</option>
              ${(v.savedFilters ?? []).map((f) => html`<option value="${f}" ${q.filter === f ? html`selected` : ''}>${f}</option>`)}
            </select></label
          >`
    }
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
  return html`<form
    method="post"
    action="/messages/reprocess"
    class="bulk card"
    data-confirm="Reprocess every message matching this search (up to 1,000)? SENT, leased and in-flight messages are skipped."
    data-confirm-label="Reprocess all matching"
  >
    ${csrfField(principal)}
    ${Object.entries(filter).map(([k, value]) => html`<input type="hidden" name="${k}" value="${value}" />`)}
    <label>Note <input name="note" placeholder="why (kept in the audit log)" /></label>
    <button type="submit">Reprocess every message matching this search</button>
    <span class="muted">(up to 1,000 at a time)</span>
  </form>`;
}

/** The bar for the ticked rows (the checkboxes name this form with form="bulk"). */
function selectionForm(v: MessagesView, principal: Principal): Html {
  // Shown on an empty list too: the live refresh may bring rows whose boxes name this form.
  if (!can(principal.role, 'messages.reprocess')) return html``;
  return html`<form
    method="post"
    action="/messages/bulk"
    id="bulk"
    class="bulk card selection"
    data-confirm="bulk"
  >
    ${csrfField(principal)}
    ${Object.entries(withoutPagingQuery(v.query) as Record<string, string>).map(([k, value]) => html`<input type="hidden" name="back_${k}" value="${value}" />`)}
    <strong data-selected-count>Selected rows</strong>
    <label>Note <input name="note" placeholder="why / what you checked (audited)" /></label>
    <label class="check"
      ><input type="checkbox" name="force" value="true" /> Send SENT messages again</label
    >
    <button type="submit" name="action" value="reprocess" data-confirm-label="Reprocess">
      Reprocess selected
    </button>
    ${can(principal.role, 'messages.resolve') ? html`<button type="submit" name="action" value="resolve" data-confirm-label="Mark resolved">Mark selected resolved</button>` : ''}
  </form>`;
}

function withoutPagingQuery(query: MessageQuery): MessageQuery {
  const { before: _b, limit: _l, ...rest } = query;
  return rest;
}

/** The table of messages: a live part, refreshed in place while the page is open. */
export function messageRows(v: MessagesView, principal: Principal): Html {
  const pick = can(principal.role, 'messages.reprocess');
  if (v.messages.length === 0)
    return livePart('rows', html`<p class="card muted">No message matches this search.</p>`);
  return livePart(
    'rows',
    html`<div class="scroll">
      <table class="list messages">
        <thead>
          <tr>
            ${pick ? html`<th><input type="checkbox" data-select-all aria-label="Select every message on this page" /></th>` : ''}
            <th>#</th>
            <th>Received</th>
            <th>Channel</th>
            <th>Type</th>
            <th>Control id</th>
            <th>Status</th>
            <th>Tries</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          ${v.messages.map(
            (m) =>
              html`<tr data-id="${m.id}">
                ${pick ? html`<td><input type="checkbox" name="id" value="${m.id}" form="bulk" aria-label="Select message ${m.id}" /></td>` : ''}
                <td><a href="/messages/${m.id}">${m.id}</a></td>
                <td class="nowrap">${formatTime(m.receivedAt)}</td>
                <td>${m.channel}</td>
                <td>${m.messageType ?? ''}</td>
                <td class="ctrl">
                  <code title="${m.controlId ?? ''}">${shortControlId(m.controlId)}</code>
                </td>
                <td>${statusBadge(m.status)}</td>
                <td>${m.attempts}</td>
                <td>${m.errorCode ? html`<span class="code">${m.errorCode}</span>` : ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`,
  );
}

/** A file row's id is `<64-hex sha256>:<row>`: shown as `ab12cd34…:7`, whole on hover. */
export function shortControlId(id: string | null): string {
  if (id === null) return '';
  const m = /^([0-9a-f]{64}):(\d+)$/.exec(id);
  return m ? `${(m[1] ?? '').slice(0, 8)}…:${m[2] ?? ''}` : id;
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
    ${filterForm(v, can(principal.role, 'messages.body'))} ${bulkSummary(v.summary)}
    ${bulkForm(v, principal)} ${selectionForm(v, principal)} ${messageRows(v, principal)}
    <nav class="pager">${newer} ${older}</nav>`;
}
