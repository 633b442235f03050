import type { AuditEntry } from '../../core/store-types.js';
import type { AuditQuery } from '../service/audit-query.js';
import { html, type Html } from './html.js';
import { formatTime } from './layout.js';
import { detailList } from './message-detail.js';
import { queryField } from './widgets.js';

function filterForm(q: AuditQuery): Html {
  return html`<form method="get" action="/audit" class="filters card">
    ${queryField('actor', 'Who', q, { placeholder: 'user:alice' })}
    ${queryField('action', 'Action', q, { placeholder: 'message.reprocess' })}
    ${queryField('from', 'From', q, { placeholder: '2026-12-01', type: 'date' })}
    ${queryField('to', 'To (inclusive)', q, { placeholder: '2026-12-06', type: 'date' })}
    <div class="buttons">
      <button type="submit" class="primary">Filter</button>
      <a href="/audit" class="button">Clear</a>
    </div>
  </form>`;
}

function target(a: AuditEntry): Html | string {
  return a.target?.startsWith('message:')
    ? html`<a href="/messages/${a.target.slice(8)}">${a.target}</a>`
    : (a.target ?? '');
}

function pager(q: AuditQuery, next: string | null): Html {
  const params = (extra: Record<string, string>): string => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...q, ...extra })) if (v) p.set(k, v);
    return p.toString();
  };
  return html`<nav class="pager">
    ${q.before ? html`<a class="button" href="/audit?${params({ before: '' })}">← Newest</a>` : ''}
    ${next ? html`<a class="button" href="/audit?${params({ before: next })}">Older →</a>` : ''}
  </nav>`;
}

export function auditBody(options: {
  entries: readonly AuditEntry[];
  query: AuditQuery;
  next: string | null;
}): Html {
  const { entries, query, next } = options;
  return html`<h1>Audit log</h1>
    <p class="muted">
      Every login, view of a message body, export, reprocess, resend and channel change, newest
      first. Append-only.
    </p>
    ${filterForm(query)}
    ${
      entries.length === 0
        ? html`<p class="card muted">No audit entry matches.</p>`
        : html`<div class="scroll">
            <table class="list audit">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Who</th>
                  <th>Action</th>
                  <th>Target</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                ${entries.map(
                  (a) =>
                    html`<tr>
                      <td class="nowrap">${formatTime(a.at)}</td>
                      <td>${a.actor}</td>
                      <td><span class="code">${a.action}</span></td>
                      <td>${target(a)}</td>
                      <td>${detailList(a.detail)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${pager(query, next)}`;
}
