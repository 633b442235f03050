import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { ChannelOverview } from '../service/channel-overview.js';
import { barChart } from './chart.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { STATUS_ORDER, statusBadge } from './widgets.js';

function controls(c: ChannelOverview, principal: Principal): Html {
  if (!can(principal.role, 'channels.control')) return html``;
  const button = (command: string, label: string, kind = '') =>
    html`<form method="post" action="/channels/${c.id}/${command}" class="inline">
      ${csrfField(principal)}<button type="submit" class="${kind}">${label}</button>
    </form>`;
  return html`<div class="actions">
    ${c.state === 'STARTED' ? button('stop', 'Stop', 'danger') : button('start', 'Start', 'primary')}
    ${button('reload', 'Reload')}
  </div>`;
}

function counts(c: ChannelOverview): Html {
  const present = STATUS_ORDER.filter((s) => (c.counts[s] ?? 0) > 0);
  if (present.length === 0) return html`<span class="muted">No messages yet</span>`;
  return html`${present.map(
    (s) =>
      html`<a class="count" href="/messages?channel=${encodeURIComponent(c.id)}&status=${s}"
        >${statusBadge(s)} ${(c.counts[s] ?? 0).toLocaleString('en-GB')}</a
      > `,
  )}`;
}

function card(c: ChannelOverview, principal: Principal): Html {
  return html`<article class="card channel">
    <header>
      <div>
        <h2>${c.name}</h2>
        <p class="muted">
          <code>${c.id}</code> · version <code>${c.versionHash.slice(0, 8)}</code>
        </p>
      </div>
      <span class="state st-${c.state.toLowerCase()}">${c.state}</span>
    </header>
    <dl class="facts">
      <dt>Source</dt>
      <dd>
        ${c.source ? html`${c.source.type} <code>${c.source.endpoint}</code> ${c.source.listening ? '' : html`<span class="warn">not listening</span>`}` : '—'}
      </dd>
      <dt>Queue</dt>
      <dd><strong>${c.queueDepth}</strong> waiting · ${c.inFlight} in flight</dd>
      <dt>Messages</dt>
      <dd>${counts(c)}</dd>
      <dt>Last hour</dt>
      <dd class="chartcell">
        ${barChart({ values: c.throughput.received, label: `Messages received per 5 minutes in the last hour on ${c.id}` })}
        <span class="muted">${c.throughput.total}${c.throughput.capped ? '+' : ''} received</span>
      </dd>
    </dl>
    ${c.lastError ? html`<p class="errorline" role="alert"><strong>Last error:</strong> ${c.lastError}</p>` : ''}
    ${controls(c, principal)}
  </article>`;
}

export function channelsBody(channels: readonly ChannelOverview[], principal: Principal): Html {
  return html`<h1>Channels</h1>
    ${channels.length === 0 ? html`<p class="card muted">No channels are configured. Add a file to <code>channels/</code>.</p>` : ''}
    <div class="grid">${channels.map((c) => card(c, principal))}</div>`;
}
