import { html, trusted, type Html } from './html.js';

export const SeriesKind = { received: 'received', sent: 'sent', errors: 'errors' } as const;
export type SeriesKind = (typeof SeriesKind)[keyof typeof SeriesKind];

export interface Series {
  readonly name: string;
  /** Oldest first, one count per bucket; every series of a chart has the same buckets. */
  readonly values: readonly number[];
  readonly kind: SeriesKind;
}

/**
 * Grouped bars, one group per bucket of the last hour and one bar per series in it, each with
 * its count on hover. Pure: numbers in, markup out (the only strings written are the names of
 * our series, never message content).
 */
export function seriesChart(options: {
  series: readonly Series[];
  label: string;
  width?: number;
  height?: number;
}): Html {
  const width = options.width ?? 240;
  const height = options.height ?? 48;
  const max = Math.max(1, ...options.series.flatMap((s) => s.values));
  const n = Math.max(1, ...options.series.map((s) => s.values.length));
  const slot = width / n;
  const bar = Math.max(1, (slot - 2) / Math.max(1, options.series.length));
  const minutes = 60 / n;
  const bars = options.series
    .flatMap((s, k) =>
      s.values.map((v, i) => {
        const h = v === 0 ? 1 : Math.max(2, (v / max) * (height - 14));
        const x = (i * slot + 1 + k * bar).toFixed(1);
        const y = (height - h).toFixed(1);
        const ago = Math.round((n - i) * minutes);
        return `<rect x="${x}" y="${y}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" class="bar ${s.kind}${v === 0 ? ' zero' : ''}"><title>${v} ${s.name}, ${ago}–${ago - Math.round(minutes)} min ago</title></rect>`;
      }),
    )
    .join('');
  const svg = `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.label}"><text x="0" y="10" class="axis">${max}</text>${bars}</svg>`;
  return html`${trusted(svg)}`;
}
