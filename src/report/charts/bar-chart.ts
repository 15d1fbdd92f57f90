// Horizontal bars, largest first as given: a label column, the bar, and "count (share)" after it.
// Used for ASNs, organisations, device types and vendors. Pure: rows in, SVG out.
import { esc, fitLabel, fmtInt, fmtShare, r1, svgOpen } from './svg-util.js';

export interface BarRow {
  label: string;
  value: number;
  /** Fraction of the total, shown after the count when given. */
  share?: number;
}

export interface BarChartOptions {
  /** Drawing width in SVG units (default 720). */
  width?: number;
  /** Width of the label column (default 240). */
  labelWidth?: number;
  /** Bar thickness and spacing (default 18 and 6). */
  barHeight?: number;
  gap?: number;
  /** Bar colour (default a dark blue that prints well in grey). */
  color?: string;
  /** Accessible label of the chart. */
  label?: string;
}

/** SVG of horizontal bars scaled to the largest value; an empty list gives a one-line "no data" SVG. */
export function barChartSvg(rows: BarRow[], opts: BarChartOptions = {}): string {
  const width = opts.width ?? 720;
  const labelWidth = opts.labelWidth ?? 240;
  const barHeight = opts.barHeight ?? 18;
  const gap = opts.gap ?? 6;
  const color = opts.color ?? '#2171b5';
  const valueSpace = 120; // room for "1,234,567 (100.0%)" after the longest bar
  if (rows.length === 0) return `${svgOpen(width, 24, opts.label ?? 'No data', 'chart bars')}<text x="0" y="16" fill="#666">No data</text></svg>`;
  const height = rows.length * (barHeight + gap);
  const max = Math.max(1, ...rows.map((r) => r.value));
  const scale = (width - labelWidth - valueSpace) / max;
  const maxChars = Math.floor((labelWidth - 10) / 7.2); // a wide-ish average glyph at 12px: labels never spill left
  const out = [svgOpen(width, height, opts.label ?? 'Bar chart', 'chart bars')];
  rows.forEach((row, i) => {
    const y = i * (barHeight + gap);
    const w = Math.max(row.value > 0 ? 1 : 0, row.value * scale);
    const text = `${fmtInt(row.value)}${row.share === undefined ? '' : ` (${fmtShare(row.share)})`}`;
    out.push(
      `<g class="bar" data-value="${row.value}"><title>${esc(`${row.label}: ${text}`)}</title>` +
        `<text x="${labelWidth - 8}" y="${r1(y + barHeight * 0.72)}" text-anchor="end" fill="#222">${esc(fitLabel(row.label, maxChars))}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${r1(w)}" height="${barHeight}" fill="${esc(color)}"/>` +
        `<text x="${r1(labelWidth + w + 6)}" y="${r1(y + barHeight * 0.72)}" fill="#333">${esc(text)}</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}
