import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { ReplayItem, ReplaySummary } from '../../mapping/replay.js';
import { REPLAY_OUTCOMES } from '../../mapping/replay.js';
import { formatJsonChanges } from '../../mapping/json-diff.js';
import type { VersionRow } from '../service/mapping-versions.js';
import { html, type Html } from './html.js';
import { csrfField, formatTime } from './layout.js';
import { shortHash } from './widgets.js';

/** The mappings page: deployed mapping ids, each linking to its versions and replay. */
export function mappingsBody(ids: readonly { id: string; file: string; versions: number }[]): Html {
  return html`<h1>Mappings</h1>
    <p class="muted">
      Every mapping text an engine loads is kept by its hash. Open a mapping to compare versions,
      roll back, or replay stored messages through a changed copy before deploying it.
    </p>
    <table class="list">
      <thead>
        <tr>
          <th>Mapping</th>
          <th>File</th>
          <th>Kept versions</th>
        </tr>
      </thead>
      <tbody>
        ${ids.map(
          (m) =>
            html`<tr>
              <td><a href="/mappings/${m.id}">${m.id}</a></td>
              <td><code>${m.file}</code></td>
              <td>${String(m.versions)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function versionsTable(id: string, versions: readonly VersionRow[], principal: Principal): Html {
  if (versions.length === 0)
    return html`<p class="muted">No kept versions yet: an engine keeps each version it loads.</p>`;
  const rollback = can(principal.role, 'mapping.rollback');
  return html`<table class="list" id="versions">
    <thead>
      <tr>
        <th>Version</th>
        <th>First used</th>
        <th>File</th>
        <th></th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${versions.map(
        (v) =>
          html`<tr>
            <td><code>${shortHash(v.hash)}</code></td>
            <td>${formatTime(v.firstSeenAt)}</td>
            <td><code>${v.file}</code></td>
            <td>
              ${
                v.deployed
                  ? html`<span class="badge s-sent">deployed</span>`
                  : html`<a href="/mappings/${id}?from=${v.hash.slice(0, 12)}"
                      >diff with deployed</a
                    >`
              }
            </td>
            <td>
              ${
                rollback && !v.deployed
                  ? html`<form
                      method="post"
                      action="/mappings/${id}/rollback"
                      class="inline"
                      data-confirm="Write version ${shortHash(v.hash)} over the deployed ${id} (and its tables)? Running channels reload it."
                      data-confirm-label="Roll back"
                    >
                      ${csrfField(principal)}
                      <input type="hidden" name="version" value="${v.hash}" />
                      <button type="submit">Roll back to this</button>
                    </form>`
                  : ''
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function summaryLine(summary: ReplaySummary): Html {
  return html`<p id="replay-summary">
    <strong>${String(summary.total)}</strong> replayed:
    ${REPLAY_OUTCOMES.filter((o) => summary[o] > 0).map(
      (o) => html`<span class="badge">${String(summary[o])} ${o}</span> `,
    )}
    — nothing was sent.
  </p>`;
}

function replayItems(items: readonly ReplayItem[]): Html {
  if (items.length === 0) return html``;
  return html`<table class="list" id="replay-items">
    <thead>
      <tr>
        <th>Message</th>
        <th>Received</th>
        <th>Outcome</th>
        <th>What differs</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (i) =>
          html`<tr>
            <td>
              <a href="/messages/${String(i.messageId)}">#${String(i.messageId)}</a>
              ${i.messageType ?? ''}
            </td>
            <td>${formatTime(i.receivedAt)}</td>
            <td>${i.outcome}</td>
            <td>
              <pre class="json">
${
                  i.changes
                    ? formatJsonChanges(i.changes)
                    : `deployed: ${side(i.before)}\ncandidate: ${side(i.after)}`
                }</pre>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function side(s: ReplayItem['before']): string {
  switch (s?.kind) {
    case undefined:
      return '—';
    case 'request':
      return `${s.operation} ${s.request.method} ${s.request.path}`;
    case 'no-mapping':
      return 'no mapping applies';
    case 'error':
      return `${s.code}${s.at ? ` at ${s.at}` : ''}: ${s.message}`;
  }
}

export interface MappingPage {
  readonly id: string;
  readonly principal: Principal;
  readonly versions: readonly VersionRow[];
  readonly diff?: { from: string; text: string } | undefined;
  readonly candidate: string;
  readonly replay?: { summary: ReplaySummary; items: readonly ReplayItem[] } | undefined;
  readonly replayError?: string | undefined;
}

export function mappingBody(p: MappingPage): Html {
  return html`<h1>Mapping <code>${p.id}</code></h1>
    <section class="card">
      <h2>Versions</h2>
      ${versionsTable(p.id, p.versions, p.principal)}
      ${
        p.diff
          ? html`<h3>Version ${p.diff.from} → deployed</h3>
              <pre class="diff" id="version-diff">${p.diff.text}</pre>`
          : ''
      }
    </section>
    ${
      can(p.principal.role, 'mapping.replay')
        ? html`<section class="card">
            <h2>Replay stored messages through a changed copy</h2>
            <p class="muted">
              Paste the changed mapping (not yet deployed). Stored messages run through the deployed
              mappings and through this copy; e-RS requests are compared. Nothing is sent.
            </p>
            <form method="post" action="/mappings/${p.id}/replay" id="replay-form">
              ${csrfField(p.principal)}
              <textarea name="candidate" rows="18" spellcheck="false">${p.candidate}</textarea>
              <div class="filters">
                <label>Channel <input name="channel" /></label>
                <label>Type <input name="type" placeholder="REF^I12" /></label>
                <label>Status <input name="status" placeholder="SENT,ERROR" /></label>
                <label>Since <input name="since" type="date" /></label>
                <label>Until <input name="until" type="date" /></label>
                <label
                  >At most <input name="limit" type="number" value="1000" min="1" max="5000"
                /></label>
                <button type="submit">Replay</button>
              </div>
            </form>
            ${
              p.replayError
                ? html`<div class="errorbox" role="alert"><pre>${p.replayError}</pre></div>`
                : ''
            }
            ${p.replay ? html`${summaryLine(p.replay.summary)} ${replayItems(p.replay.items)}` : ''}
          </section>`
        : ''
    }`;
}
