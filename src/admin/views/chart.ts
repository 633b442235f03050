import { html, trusted, type Html } from './html.js';

/** A bar chart of counts per bucket as inline SVG: no script, no external library. */
export function barChart(options: {
  values: readonly number[];
  label: string;
  width?: number;
  height?: number;
}): Html {
  const width = options.width ?? 240;
  const height = options.height ?? 48;
  const max = Math.max(1, ...options.values);
  const n = Math.max(1, options.values.length);
  const slot = width / n;
  const bars = options.values
    .map((v, i) => {
      const h = v === 0 ? 1 : Math.max(2, (v / max) * (height - 14));
      const x = (i * slot + 1).toFixed(1);
      const y = (height - h).toFixed(1);
      const minutesAgo = Math.round((n - i) * (60 / n));
      return `<rect x="${x}" y="${y}" width="${(slot - 2).toFixed(1)}" height="${h.toFixed(1)}" class="${v === 0 ? 'bar zero' : 'bar'}"><title>${v} message(s), ${minutesAgo}–${minutesAgo - Math.round(60 / n)} min ago</title></rect>`;
    })
    .join('');
  const svg = `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${options.label}"><text x="0" y="10" class="axis">${max}</text>${bars}</svg>`;
  return html`${trusted(svg)}`;
}
