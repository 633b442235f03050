import { ERROR_CATALOGUE } from '../../core/error-codes.js';
import type { SerializedError } from '../../core/errors.js';
import { MessageStatus } from '../../core/store-types.js';
import { html, type Html } from './html.js';

/** What each status means, in the words an operator needs at 3 a.m. */
export const STATUS_MEANING: Record<MessageStatus, string> = {
  RECEIVED: 'Stored, waiting for a worker',
  TRANSFORMED: 'Mapped, being sent',
  SENT: 'Done: every destination succeeded',
  FILTERED: 'Not for this channel (filtered out by the mapping)',
  QUEUED: 'A destination was unavailable; will retry',
  NEEDS_REVIEW: 'Outcome unknown: check e-RS before reprocessing',
  ERROR: 'Bad input or mapping: fix and reprocess',
  DEAD: 'Retries exhausted: reprocess when the destination is back',
};

export const STATUS_ORDER: readonly MessageStatus[] = Object.values(MessageStatus);

export function statusBadge(status: string): Html {
  const meaning = (STATUS_MEANING as Record<string, string | undefined>)[status] ?? '';
  return html`<span class="badge s-${status.toLowerCase()}" title="${meaning}"
    >${status.replace('_', ' ')}</span
  >`;
}

/** An error as an operator reads it: the plain summary of its code, then the specifics. */
export function errorBox(error: SerializedError | null): Html {
  if (!error) return html``;
  const known = (ERROR_CATALOGUE as Record<string, { summary: string } | undefined>)[error.code];
  const retry = {
    transient: 'will be retried',
    ambiguous: 'may have taken effect: check before reprocessing',
    permanent: 'will not be retried until reprocessed',
  }[error.retry];
  return html`<div class="errorbox" role="alert">
    <h3>What went wrong</h3>
    <p class="plain">${error.message}</p>
    ${error.at ? html`<p>Where: <code>${error.at}</code></p>` : ''}
    ${
      typeof error.context?.['rule'] === 'string'
        ? html`<p>Mapping rule: <code>${error.context['rule']}</code></p>`
        : ''
    }
    <p class="muted">${known?.summary ?? ''} <span class="code">${error.code}</span> — ${retry}.</p>
  </div>`;
}

export function jsonBlock(value: unknown): Html {
  if (value === null || value === undefined) return html`<p class="muted">None.</p>`;
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}

export function shortHash(hash: string | null): string {
  return hash ? hash.slice(0, 12) : '—';
}

/** A labelled text input of a search form, holding the value the query already has. */
export function queryField<
  K extends keyof Q & string,
  Q extends Partial<Record<K, string | number | null>>,
>(name: K, label: string, query: Q, extra: { placeholder?: string; type?: string } = {}): Html {
  const value = query[name];
  return html`<label
    >${label}<input
      name="${name}"
      value="${value ?? ''}"
      placeholder="${extra.placeholder ?? ''}"
      type="${extra.type ?? 'text'}"
  /></label>`;
}
