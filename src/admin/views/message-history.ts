import type { MessageDetail } from '../service/message-detail.js';
import { html, type Html } from './html.js';
import { formatTime } from './layout.js';
import { jsonBlock, statusBadge } from './widgets.js';

/** A reused control id (same MSH-10 as an earlier message, other content), shown as a warning. */
export function reuseWarning(d: MessageDetail): Html {
  const reuse = d.events.find((e) => e.detail['warning'] === 'CONTROL_ID_REUSED');
  if (reuse === undefined) return html``;
  const firstId = Number(reuse.detail['firstId']);
  return html`<div class="flash error" role="alert">
    <strong>CONTROL_ID_REUSED</strong>: the sender used this control id before for
    <a href="/messages/${firstId}">message ${firstId}</a> with different content.
    ${
      reuse.detail['refused'] === true
        ? 'The channel refuses reused ids: this one was kept as ERROR and answered with a NAK.'
        : 'It was stored and processed as a new message. Check the sender’s MSH-10 counter.'
    }
  </div>`;
}

/** What a forced reprocess of a SENT message would send again, by destination. */
export function resendSummary(d: MessageDetail): string[] {
  if (d.message.status !== 'SENT') return [];
  return Object.entries(d.message.destinationResults).map(([name, result]) => {
    const request = (result as { request?: { method?: string; path?: string } } | null)?.request;
    return request?.method === undefined
      ? name
      : `${name}: ${request.method} ${request.path ?? ''}`.trim();
  });
}

/** Every destination call of every attempt, oldest first (history, never overwritten). */
export function attemptTable(d: MessageDetail): Html {
  if (d.attempts.length === 0) return html`<p class="muted">No destination calls yet.</p>`;
  return html`<table class="list">
    <thead>
      <tr>
        <th>Time</th>
        <th>Attempt</th>
        <th>Destination</th>
        <th>Outcome</th>
        <th>Request</th>
        <th>Response / error</th>
      </tr>
    </thead>
    <tbody>
      ${d.attempts.map(
        (a) =>
          html`<tr>
            <td class="nowrap">${formatTime(a.at)}</td>
            <td>${a.attempt}</td>
            <td>${a.destination ?? '—'}</td>
            <td>${statusBadge(a.outcome)}</td>
            <td>${jsonBlock(a.request)}</td>
            <td>${jsonBlock(a.error ?? a.response)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
