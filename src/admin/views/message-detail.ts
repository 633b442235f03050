import type { Principal } from '../context.js';
import { can } from '../auth/roles.js';
import type { MessageDetail } from '../service/message-detail.js';
import { html, type Html } from './html.js';
import { hl7Tree, rawHl7 } from './hl7.js';
import { csrfField, formatTime } from './layout.js';
import { livePart } from './live.js';
import { attemptTable, resendSummary, reuseWarning } from './message-history.js';
import { STATUS_MEANING, errorBox, jsonBlock, shortHash, statusBadge } from './widgets.js';

function actions(d: MessageDetail, principal: Principal): Html {
  const m = d.message;
  if (!can(principal.role, 'messages.reprocess')) {
    return html`<p class="muted">
      Your role (${principal.role}) can read messages; an operator can reprocess them.
    </p>`;
  }
  const resend = resendSummary(d);
  return html`<div class="card actions-card">
    <form method="post" action="/messages/${m.id}/reprocess" class="inline-form">
      ${csrfField(principal)}
      <label>Note <input name="note" placeholder="e.g. mapping fixed" /></label>
      ${
        resend.length > 0
          ? html`<p class="resend-warning">
              This message was SENT. Reprocessing sends again: ${resend.join('; ')}.
              <label><input type="checkbox" name="force" value="true" required /> Send again</label>
            </p>`
          : ''
      }
      <button type="submit" class="primary">Reprocess</button>
      <span class="muted"
        >with the mapping now live (this message last ran with
        <code>${shortHash(m.mappingHash)}</code>)</span
      >
    </form>
    ${
      m.status === 'NEEDS_REVIEW'
        ? html`<form method="post" action="/messages/${m.id}/resolve" class="inline-form">
            ${csrfField(principal)}
            <label
              >What you checked
              <input name="note" required placeholder="referral found in e-RS, UBRN …"
            /></label>
            <button type="submit">Mark resolved (took effect)</button>
          </form>`
        : ''
    }
    ${can(principal.role, 'messages.resend') && m.raw !== null ? html`<a class="button" href="/messages/${m.id}/edit">Edit and resend</a>` : ''}
    ${can(principal.role, 'messages.export') ? html`<a class="button" href="/api/messages/${m.id}/raw">Download raw</a>` : ''}
  </div>`;
}

/** Search keys the Facts already show in their own words (or that hold no fact to show). */
const SHOWN_KEYS = new Set(['nhsNumberHash', 'ubrn', 'resentFrom']);

function source(d: MessageDetail): Html {
  const f = d.facts;
  if (f.sourceFile === null) return html``;
  return html`<dt>Source file</dt>
    <dd>
      <code>${f.sourceFile}</code
      >${f.sourceRow === null ? '' : html` · row <strong>${f.sourceRow}</strong>`}
    </dd>`;
}

function lineage(d: MessageDetail): Html {
  const from = d.facts.resentFrom;
  return html`${
    from === null
      ? ''
      : html`<dt>Edited copy of</dt>
          <dd><a href="/messages/${from}">message ${from}</a></dd>`
  }
  ${
    d.resends.length === 0
      ? ''
      : html`<dt>Resent as</dt>
          <dd>
            ${d.resends.map((id, i) => html`${i > 0 ? ', ' : ''}<a href="/messages/${id}">message ${id}</a>`)}
          </dd>`
  }`;
}

function facts(d: MessageDetail): Html {
  const m = d.message;
  const f = d.facts;
  const keys = Object.entries(m.searchKeys).filter(([k]) => !SHOWN_KEYS.has(k));
  return html`<dl class="facts wide">
    <dt>UBRN</dt>
    <dd class="ubrn">
      ${f.ubrn ? html`<a href="/messages?ubrn=${f.ubrn}"><code>${f.ubrn}</code></a>` : html`<span class="muted">none yet</span>`}
    </dd>
    <dt>Patient</dt>
    <dd class="patient" title="Masked: open the body below to see it whole (audited)">
      ${f.nhsNumber ? html`NHS <code>${f.nhsNumber}</code>` : html`<span class="muted">no NHS number</span>`}
      ${f.initials ? html` · ${f.initials}` : ''}
    </dd>
    <dt>Channel</dt>
    <dd><a href="/messages?channel=${m.channel}">${m.channel}</a></dd>
    <dt>Type</dt>
    <dd>${m.messageType ?? '—'}</dd>
    ${source(d)}
    <dt>${f.controlIdLabel}</dt>
    <dd class="break"><code>${m.controlId ?? '—'}</code></dd>
    <dt>Sender</dt>
    <dd>${m.sender}</dd>
    ${lineage(d)}
    ${keys.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd class="break"><code>${v}</code></dd>`,
    )}
    <dt>Received</dt>
    <dd>${formatTime(m.receivedAt)}</dd>
    <dt>Updated</dt>
    <dd>${formatTime(m.updatedAt)}</dd>
    <dt>Attempts</dt>
    <dd>${m.attempts}</dd>
    <dt>Mapping</dt>
    <dd><code>${shortHash(m.mappingHash)}</code></dd>
  </dl>`;
}

function body(d: MessageDetail): Html {
  const m = d.message;
  if (m.raw === null) return html`<p class="muted">The body was removed by retention.</p>`;
  if (!d.hl7) return html`<pre class="raw">${m.raw}</pre>`;
  const separator = d.hl7[0]?.fields[0]?.text ?? '|';
  return html`${rawHl7(d.hl7, separator)}
    <h3>Parsed</h3>
    ${hl7Tree(d.hl7)}`;
}

/** Event details as short `key value` lines; long values (hashes) cut, the full text on hover. */
export function detailList(detail: Record<string, unknown>): Html {
  const entries = Object.entries(detail).filter(
    ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
  );
  if (entries.length === 0) return html``;
  return html`<ul class="kv">
    ${entries.map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      const shown = text.length > 40 ? `${text.slice(0, 16)}…` : text;
      return html`<li title="${text}"><span class="k">${k}</span> ${shown}</li>`;
    })}
  </ul>`;
}

function events(d: MessageDetail): Html {
  return html`<table class="list history">
    <thead>
      <tr>
        <th>Time</th>
        <th>Status</th>
        <th>Stage</th>
        <th>By</th>
        <th>Detail</th>
      </tr>
    </thead>
    <tbody>
      ${d.events.map(
        (e) =>
          html`<tr>
            <td class="nowrap">${formatTime(e.at)}</td>
            <td>${e.status ? statusBadge(e.status) : ''}</td>
            <td>${e.stage}</td>
            <td>${e.actor}</td>
            <td>${detailList(e.detail)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The status, error and actions: refreshed in place while the page is open. */
function head(d: MessageDetail, principal: Principal): Html {
  const m = d.message;
  return livePart(
    'head',
    html`<h1>Message ${m.id} ${statusBadge(m.status)}</h1>
      <p class="muted">${STATUS_MEANING[m.status]}</p>
      ${reuseWarning(d)} ${errorBox(m.error)} ${actions(d, principal)}`,
  );
}

/** What the page's live refresh answers: the same parts, without the body. */
export function messageLiveParts(d: MessageDetail, principal: Principal): Html[] {
  return [head(d, principal), livePart('history', events(d))];
}

export function messageDetailBody(d: MessageDetail, principal: Principal): Html {
  const m = d.message;
  return html`<p><a href="/messages">← Messages</a></p>
    ${head(d, principal)}
    <section class="card">
      <h2>Facts</h2>
      ${facts(d)}
    </section>
    <section class="card">
      <h2>History</h2>
      <div class="scroll">${livePart('history', events(d))}</div>
    </section>
    <section class="card">
      <h2>Message as received</h2>
      ${body(d)}
    </section>
    <section class="card">
      <h2>Logical inputs (mapped)</h2>
      ${jsonBlock(m.mappedInput)}
    </section>
    <section class="card">
      <h2>Destinations</h2>
      ${jsonBlock(Object.keys(m.destinationResults).length > 0 ? m.destinationResults : null)}
    </section>
    <div class="columns">
      <section class="card">
        <h2>Request sent (FHIR)</h2>
        ${jsonBlock(m.outboundRequest)}
      </section>
      <section class="card">
        <h2>Response (e-RS)</h2>
        ${jsonBlock(m.outboundResponse)}
      </section>
    </div>
    <section class="card">
      <h2>Every attempt</h2>
      <div class="scroll">${attemptTable(d)}</div>
    </section>
    <section class="card">
      <h2>Reply to the sender</h2>
      ${m.reply ? html`<pre class="raw">${m.reply.replace(/\r/g, '\n')}</pre>` : html`<p class="muted">None.</p>`}
    </section>`;
}
