import type { SegmentView } from '../service/hl7-view.js';
import { html, type Html } from './html.js';

function fieldTitle(position: string, name: string | undefined): string {
  return name ? `${position} · ${name}` : position;
}

/** Raw HL7, one segment a line, each field named on hover (title) and in a data attribute. */
export function rawHl7(segments: readonly SegmentView[], separator: string): Html {
  const line = (seg: SegmentView): Html => {
    const header = seg.name === 'MSH' || seg.name === 'FHS' || seg.name === 'BHS';
    const fields = (header ? seg.fields.slice(1) : seg.fields).map(
      (f) =>
        html`${separator}<span
            class="f"
            title="${fieldTitle(f.position, f.name)}"
            data-field="${f.position}"
            >${f.text}</span
          >`,
    );
    return html`<span class="seg"><b title="${seg.name} segment">${seg.name}</b>${fields}</span>`;
  };
  // prettier-ignore
  return html`<pre class="hl7">${segments.map((seg) => html`${line(seg)}${'\n'}`)}</pre>`;
}

function components(f: SegmentView['fields'][number]): Html {
  const single = f.repetitions.length === 1 && (f.repetitions[0]?.length ?? 0) <= 1;
  if (single) return html`<code>${f.text}</code>`;
  return html`${f.repetitions.map(
    (rep, r) =>
      html`<div class="rep">
        ${f.repetitions.length > 1 ? html`<span class="muted">repeat ${r + 1}</span>` : ''}
        ${rep.map((c, i) => (c === '' ? '' : html`<span class="comp"><span class="muted">.${i + 1}</span> <code>${c}</code></span>`))}
      </div>`,
  )}`;
}

/** The parsed tree: segments, then their non-empty fields, components and repetitions. */
export function hl7Tree(segments: readonly SegmentView[]): Html {
  return html`${segments.map(
    (seg, i) =>
      html`<details class="seg" ${i < 4 ? html`open` : ''}>
        <summary>
          <b>${seg.name}</b>
          <span class="muted">${seg.fields.filter((f) => f.text !== '').length} fields</span>
        </summary>
        <table class="fields">
          ${seg.fields
            .filter((f) => f.text !== '')
            .map(
              (f) =>
                html`<tr>
                  <th>${f.position}</th>
                  <td class="muted">${f.name ?? ''}</td>
                  <td>${components(f)}</td>
                </tr>`,
            )}
        </table>
      </details>`,
  )}`;
}
