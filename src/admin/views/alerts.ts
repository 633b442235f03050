import type { AlertsView, Incident } from '../../alerts/index.js';
import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import { html, type Html } from './html.js';
import { csrfField, formatTime } from './layout.js';

const severity = (i: Incident): Html =>
  html`<span class="badge ${i.severity === 'critical' ? 's-error' : 's-queued'}"
    >${i.severity}</span
  >`;

function incidents(list: readonly Incident[], options: { closed: boolean; id: string }): Html {
  if (list.length === 0)
    return html`<p class="muted" id="${options.id}-none">
      ${options.closed ? 'No incident has recovered yet.' : 'No open incident.'}
    </p>`;
  return html`<table class="list" id="${options.id}">
    <thead>
      <tr>
        <th>Severity</th>
        <th>Rule</th>
        <th>Subject</th>
        <th>What</th>
        <th>Opened</th>
        ${options.closed ? html`<th>Recovered</th>` : html`<th>Last seen</th>`}
      </tr>
    </thead>
    <tbody>
      ${list.map(
        (i) =>
          html`<tr data-rule="${i.rule}" data-subject="${i.subject}">
            <td>${severity(i)}</td>
            <td><span class="code">${i.rule}</span></td>
            <td>${i.subject}</td>
            <td>${i.summary}</td>
            <td class="nowrap">${formatTime(i.openedAt)}</td>
            <td class="nowrap">${formatTime(options.closed ? i.closedAt : i.lastSeenAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function receivers(view: AlertsView): Html {
  if (view.receivers.length === 0)
    return html`<p class="muted">
      No receiver configured: incidents show here and in the log only (settings.yaml
      alerts.receivers).
    </p>`;
  return html`<table class="list" id="alert-receivers">
    <thead>
      <tr>
        <th>Receiver</th>
        <th>Type</th>
        <th>Queued</th>
        <th>Last delivered</th>
        <th>Last error</th>
      </tr>
    </thead>
    <tbody>
      ${view.receivers.map(
        (r) =>
          html`<tr>
            <td>${r.name}</td>
            <td>${r.type}</td>
            <td>${r.queued}${r.dropped > 0 ? ` (${r.dropped} dropped)` : ''}</td>
            <td class="nowrap">${formatTime(r.lastDeliveredAt)}</td>
            <td>
              ${r.lastError ?? ''}${r.failures > 0 ? ` (${r.failures} failures in a row)` : ''}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The Alerts page: open incidents, recently recovered ones, and where notices go. */
export function alertsBody(view: AlertsView, principal: Principal): Html {
  if (!view.enabled)
    return html`<h1>Alerts</h1>
      <p class="muted">Alerts are off (settings.yaml alerts.enabled: false).</p>`;
  return html`<h1>Alerts</h1>
    <p class="muted">
      Checked every ${Math.round(view.intervalMs / 1000)} s; last check
      ${formatTime(view.checkedAt) || 'not yet'}. One notice when an incident opens and one when it
      recovers.
    </p>
    ${view.checkError ? html`<p class="errorline" role="alert">Last check failed: ${view.checkError}</p>` : ''}
    ${
      can(principal.role, 'channels.control')
        ? html`<form method="post" action="/alerts/check" class="inline">
            ${csrfField(principal)}<button type="submit">Check now</button>
          </form>`
        : ''
    }
    <h2>Open (${view.open.length})</h2>
    ${incidents(view.open, { closed: false, id: 'alerts-open' })}
    <h2>Recovered</h2>
    ${incidents(view.recent.slice(0, 50), { closed: true, id: 'alerts-recent' })}
    <h2>Receivers</h2>
    ${receivers(view)}`;
}
