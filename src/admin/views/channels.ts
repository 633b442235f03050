import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { ChannelOverview } from '../service/channel-overview.js';
import { seriesChart } from './chart.js';
import { html, type Html } from './html.js';
import { csrfField, formatTime } from './layout.js';
import { livePart } from './live.js';
import { STATUS_ORDER, statusBadge } from './widgets.js';

function controls(c: ChannelOverview, principal: Principal): Html {
  if (!can(principal.role, 'channels.control')) return html``;
  const button = (command: string, label: string, kind = '', confirm = '') =>
    html`<form
      method="post"
      action="/channels/${c.id}/${command}"
      class="inline"
      ${confirm ? html`data-confirm="${confirm}" data-confirm-label="${label} ${c.id}"` : ''}
    >
      ${csrfField(principal)}<button type="submit" class="${kind}">${label}</button>
    </form>`;
  const stopWarning = `Stop channel ${c.id}? Its source stops taking messages (senders get refusals or time out) until someone starts it again.${c.queueDepth + c.inFlight > 0 ? ` ${c.queueDepth} waiting and ${c.inFlight} in flight stay stored.` : ''}`;
  return html`<div class="actions">
    ${c.state === 'STARTED' ? button('stop', 'Stop', 'danger', stopWarning) : button('start', 'Start', 'primary')}
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

/**
 * A time the script shows as "12 s ago" and keeps current (the exact time on hover and without
 * script). The markup holds only the time, so a live refresh swaps a card only when its data
 * changed, never because a clock ticked under a button being clicked.
 */
function since(at: number): Html {
  return html`<time datetime="${new Date(at).toISOString()}" data-ago title="${formatTime(at)}"
    >${formatTime(at)}</time
  >`;
}

function lastFailure(c: ChannelOverview): Html {
  const f = c.lastFailure;
  if (!f) return html`<span class="muted">none</span>`;
  return html`<a href="/messages/${f.id}">#${f.id}</a> ${statusBadge(f.status)}
    ${f.code ? html`<span class="code">${f.code}</span>` : ''}
    <span class="muted">${since(f.at)}</span>`;
}

function chart(c: ChannelOverview): Html {
  const t = c.throughput;
  return seriesChart({
    series: [
      { name: 'received', values: t.received, kind: 'received' },
      { name: 'sent', values: t.sent, kind: 'sent' },
      { name: 'failed', values: t.errors, kind: 'errors' },
    ],
    label: `Messages received, sent and failed per 5 minutes in the last hour on ${c.id}`,
  });
}

function card(c: ChannelOverview, principal: Principal): Html {
  return html`<article class="card channel" data-channel="${c.id}">
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
      <dt>Last received</dt>
      <dd class="last-received">
        ${c.lastReceivedAt === null ? html`<span class="muted">never</span>` : since(c.lastReceivedAt)}
      </dd>
      <dt>Rates</dt>
      <dd class="rates">
        <span class="rate received">${c.rates.received}</span> in ·
        <span class="rate sent">${c.rates.sent}</span> sent ·
        <span class="rate errors">${c.rates.errors}</span> failed
        <span class="muted">per min (5 min)</span>
      </dd>
      <dt>Queue</dt>
      <dd><strong>${c.queueDepth}</strong> waiting · ${c.inFlight} in flight</dd>
      <dt>Messages</dt>
      <dd>${counts(c)}</dd>
      <dt>Last failure</dt>
      <dd class="last-failure">${lastFailure(c)}</dd>
      <dt>Last hour</dt>
      <dd class="chartcell">
        ${chart(c)}
        <span class="legend"
          ><i class="key received"></i>in <i class="key sent"></i>sent
          <i class="key errors"></i>failed</span
        >
        <span class="muted">${c.throughput.total}${c.throughput.capped ? '+' : ''} received</span>
      </dd>
    </dl>
    ${c.lastError ? html`<p class="errorline" role="alert"><strong>Last error:</strong> ${c.lastError}</p>` : ''}
    ${controls(c, principal)}
  </article>`;
}

/** The cards, as one live part: the page and its live refresh render the same markup. */
export function channelGrid(channels: readonly ChannelOverview[], principal: Principal): Html {
  return livePart(
    'channels',
    html`${channels.length === 0 ? html`<p class="card muted">No channels are configured. Add a file to <code>channels/</code>.</p>` : ''}
      <div class="grid">${channels.map((c) => card(c, principal))}</div>`,
  );
}

export function channelsBody(channels: readonly ChannelOverview[], principal: Principal): Html {
  return html`<h1>Channels</h1>
    ${channelGrid(channels, principal)}`;
}
