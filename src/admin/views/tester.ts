import type { Principal } from '../context.js';
import type { MappingTestResult } from '../service/mapping-tester.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { jsonBlock } from './widgets.js';

function result(r: MappingTestResult): Html {
  return html`<section class="card">
    <h2>
      Result
      ${r.ok ? html`<span class="badge s-sent">OK</span>` : html`<span class="badge s-error">PROBLEMS</span>`}
    </h2>
    ${
      r.errors.length > 0
        ? html`<div class="errorbox" role="alert">
            <h3>Errors</h3>
            <ul>
              ${r.errors.map((e) => html`<li>${e.at ? html`<code>${e.at}</code>: ` : ''}${e.message} <span class="code">${e.code}</span></li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      r.warnings.length > 0
        ? html`<ul class="warn">
            ${r.warnings.map((w) => html`<li>${w}</li>`)}
          </ul>`
        : ''
    }
    <p>Operation: <strong>${r.operation ?? '—'}</strong></p>
    <div class="columns">
      <div>
        <h3>Logical inputs</h3>
        ${jsonBlock(r.input)}
      </div>
      <div>
        <h3>FHIR body (not sent)</h3>
        ${jsonBlock(r.fhirBody)}
      </div>
    </div>
  </section>`;
}

export function testerBody(options: {
  principal: Principal;
  mappings: readonly string[];
  mapping?: string;
  message?: string;
  result?: MappingTestResult;
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
