import {
  isBulkAction,
  isSkipReason,
  skipText,
  type BulkSummary,
  type SkipReason,
} from '../service/bulk-actions.js';
import { html, type Html } from './html.js';

/**
 * A bulk action's summary rides the redirect after the post as `bulk=reprocess&done=1,2` and
 * `skipped=3:leased,4:effect-succeeded` (ids and our own reason words only, never message
 * content), so reloading the page shows it without doing anything again.
 */
export function summaryParams(summary: BulkSummary): Record<string, string> {
  return {
    bulk: summary.action,
    done: summary.done.join(','),
    skipped: summary.skipped.map((s) => `${s.id}:${s.reason}`).join(','),
  };
}

/** Pure: the summary back from the query string; undefined when absent or not ours. */
export function summaryFromQuery(query: Record<string, unknown>): BulkSummary | undefined {
  const action = query['bulk'];
  if (!isBulkAction(action)) return undefined;
  const list = (key: string): string[] => {
    const v = query[key];
    return typeof v === 'string' && v !== '' ? v.split(',') : [];
  };
  const done = list('done')
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  const skipped: { id: number; reason: SkipReason }[] = [];
  for (const item of list('skipped')) {
    const [id, reason] = item.split(':');
    if (isSkipReason(reason) && /^\d+$/.test(id ?? '')) skipped.push({ id: Number(id), reason });
  }
  return { action, done, skipped };
}

export function bulkSummary(summary: BulkSummary | undefined): Html {
  if (!summary) return html``;
  const verb = summary.action === 'reprocess' ? 'Reprocessed' : 'Marked resolved';
  const links = (ids: readonly number[]): Html =>
    html`${ids.map((id, i) => html`${i > 0 ? ', ' : ''}<a href="/messages/${id}">#${id}</a>`)}`;
  return html`<section class="card bulk-summary" role="status">
    <h2>
      ${verb} ${summary.done.length}
      message(s)${summary.skipped.length > 0 ? html`, skipped ${summary.skipped.length}` : ''}
    </h2>
    ${summary.done.length > 0 ? html`<p>${verb}: ${links(summary.done)}</p>` : ''}
    ${
      summary.skipped.length > 0
        ? html`<ul class="skipped">
            ${summary.skipped.map((s) => html`<li><a href="/messages/${s.id}">#${s.id}</a> left as it was: ${skipText(s.reason)}</li>`)}
          </ul>`
        : ''
    }
  </section>`;
}
