import type { Principal } from '../context.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/**
 * A region the browser refreshes in place (assets/dashboard.mjs): the page names a fragment
 * URL on <main data-live-src>, which answers the same parts; each part whose markup changed is
 * swapped. Rendered by the same view functions as the page, so both always agree.
 */
export function livePart(name: string, content: Html): Html {
  return html`<div data-live-part="${name}">${content}</div>`;
}

/** The fragment answer: only the parts. */
export function liveFragment(parts: readonly Html[]): string {
  return html`${parts}`.value;
}

/**
 * What a confirmation shows without JavaScript (the script's dialog asks the same in place):
 * the same form again, with `confirmed=yes` and the fields first posted.
 */
export function confirmBody(options: {
  principal: Principal;
  title: string;
  text: string;
  action: string;
  label: string;
  fields: readonly (readonly [string, string])[];
  cancel: string;
}): Html {
  return html`<section class="card confirm-page">
    <h1>${options.title}</h1>
    <p>${options.text}</p>
    <form method="post" action="${options.action}">
      ${csrfField(options.principal)}
      ${options.fields.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
      <input type="hidden" name="confirmed" value="yes" />
      <button type="submit" class="danger">${options.label}</button>
      <a class="button" href="${options.cancel}">Cancel</a>
    </form>
  </section>`;
}
