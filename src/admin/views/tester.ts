import type { Principal } from '../context.js';
import type { TesterRun } from '../service/mapping-tester.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { jsonBlock } from './widgets.js';

function lineageTable(r: TesterRun): Html {
  if (!r.input) return html``;
  const rows = Object.entries(r.input);
  return html`<table class="list">
    <thead>
      <tr>
        <th>Logical input</th>
        <th>Value</th>
        <th>From</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        ([name, value]) =>
          html`<tr>
            <td><code>${name}</code></td>
            <td><code>${typeof value === 'string' ? value : JSON.stringify(value)}</code></td>
            <td class="muted">${r.lineage?.[name] ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Fields no rule read are listed on one line: they are hints, not problems. */
function warnings(list: readonly string[]): Html {
  const unread = list
    .filter((w) => w.startsWith('unread: '))
    .map((w) => w.slice('unread: '.length));
  const other = list.filter((w) => !w.startsWith('unread: '));
  return html`${
    other.length > 0
      ? html`<ul class="warn">
          ${other.map((w) => html`<li>${w}</li>`)}
        </ul>`
      : ''
  }
  ${unread.length > 0 ? html`<p class="muted">Fields in the message that no rule reads: ${unread.join(', ')}</p>` : ''}`;
}

function result(r: TesterRun): Html {
  const verdict = r.filtered
    ? html`<span class="badge s-filtered">FILTERED</span>`
    : r.ok
      ? html`<span class="badge s-sent">OK</span>`
      : html`<span class="badge s-error">PROBLEMS</span>`;
  return html`<section class="card">
    <h2>Result ${verdict}</h2>
    ${r.filtered ? html`<p>This mapping does not apply to the message: ${r.filtered}.</p>` : ''}
    ${
      r.errors.length > 0
        ? html`<div class="errorbox" role="alert">
            <h3>What went wrong</h3>
            <ul>
              ${r.errors.map((e) => html`<li>${e.at ? html`<code>${e.at}</code>: ` : ''}${e.message} <span class="code">${e.code}</span></li>`)}
            </ul>
          </div>`
        : ''
    }
    ${warnings(r.warnings)}
    <p>Operation: <strong>${r.operation ?? '—'}</strong></p>
    ${lineageTable(r)}
    ${
      r.request
        ? html`<h3>
              Request e-RS would get (not sent): <code>${r.request.method} ${r.request.path}</code>
            </h3>
            ${jsonBlock(r.request.body)}`
        : ''
    }
  </section>`;
}

export function testerBody(options: {
  principal: Principal;
  mappings: readonly string[];
  mapping?: string;
  message?: string;
  result?: TesterRun;
}): Html {
  return html`<h1>Mapping tester</h1>
    <p class="muted">
      Paste a message and pick a mapping to see what it would produce. Nothing is sent or stored.
    </p>
    <form
      method="post"
      action="/tester"
      class="card tester"
      enctype="application/x-www-form-urlencoded"
    >
      ${csrfField(options.principal)}
      <label
        >Mapping
        <select name="mapping" required>
          ${options.mappings.map((m) => html`<option value="${m}" ${options.mapping === m ? html`selected` : ''}>${m}</option>`)}
        </select></label
      >
      <label
        >Message
        <textarea name="message" rows="10" spellcheck="false" required>
${options.message ?? ''}</textarea>
      </label>
      <button type="submit" class="primary">Test mapping</button>
    </form>
    ${options.result ? result(options.result) : ''}`;
}
