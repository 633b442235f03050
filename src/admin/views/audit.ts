import type { AuditEntry } from '../../core/store-types.js';
import { html, type Html } from './html.js';
import { formatTime } from './layout.js';
import { detailList } from './message-detail.js';

export function auditBody(entries: readonly AuditEntry[]): Html {
  return html`<h1>Audit log</h1>
    <p class="muted">
      Every login, view of a message body, export, reprocess and channel change, newest first.
      Append-only.
    </p>
    <table class="list">
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
              <td>
                ${a.target?.startsWith('message:') ? html`<a href="/messages/${a.target.slice(8)}">${a.target}</a>` : (a.target ?? '')}
              </td>
              <td>${detailList(a.detail)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}
