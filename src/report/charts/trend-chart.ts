// The daily trend: one point per UTC day, a line over a light area, a y grid with round ticks and
// a few day labels. Pure: points in, SVG out.
import { esc, fmtInt, niceTicks, r1, svgOpen } from './svg-util.js';

export interface TrendPoint {
  /** UTC day as YYYY-MM-DD. */
  day: string;
  value: number;
}

export interface TrendChartOptions {
  /** Drawing size in SVG units (default 720 × 240). */
  width?: number;
  height?: number;
  /** Line colour. */
  color?: string;
  /** Accessible label of the chart. */
  label?: string;
  /** Word after the number in tooltips (default "victims"). */
  unit?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2024-06-09" -> "9 Jun". */
export const shortDay = (day: string): string => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1] ?? '?'}`;

/** SVG line chart of daily values; days must be in order. Fewer than one point gives a "no data" SVG. */
export function trendChartSvg(points: TrendPoint[], opts: TrendChartOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 240;
  const color = opts.color ?? '#08519c';
  const unit = opts.unit ?? 'victims';
  const m = { top: 12, right: 16, bottom: 28, left: 56 };
  const out = [svgOpen(width, height, opts.label ?? 'Daily trend', 'chart trend')];
  if (points.length === 0) return out.join('') + `<text x="${m.left}" y="${height / 2}" fill="#666">No data</text></svg>`;
  const ticks = niceTicks(Math.max(...points.map((p) => p.value)));
  const yMax = ticks[ticks.length - 1]!;
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = (i: number) => m.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH;

  out.push('<g class="grid" stroke="#ddd" stroke-width="1">');
  for (const t of ticks) out.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${r1(y(t))}" y2="${r1(y(t))}"/>`);
  out.push('</g><g class="y-axis" fill="#444" font-size="11" text-anchor="end">');
  for (const t of ticks) out.push(`<text x="${m.left - 6}" y="${r1(y(t) + 4)}">${fmtInt(t)}</text>`);
  out.push('</g><g class="x-axis" fill="#444" font-size="11" text-anchor="middle">');
  const every = Math.max(1, Math.ceil(points.length / 8));
  const last = points.length - 1;
  points.forEach((p, i) => {
    // Every few days, and always the last day (dropping a regular label too close to it).
    if (i === last || (i % every === 0 && last - i >= every / 2))
      out.push(`<text x="${r1(x(i))}" y="${height - m.bottom + 16}"${i === last && i > 0 ? ' text-anchor="end"' : ''}>${esc(shortDay(p.day))}</text>`);
  });
  out.push('</g>');
  const line = points.map((p, i) => `${i ? 'L' : 'M'}${r1(x(i))},${r1(y(p.value))}`).join('');
  if (points.length > 1) {
    const base = r1(y(0));
    out.push(`<path class="area" d="${line}L${r1(x(points.length - 1))},${base}L${r1(x(0))},${base}Z" fill="${esc(color)}" fill-opacity="0.12"/>`);
    out.push(`<path class="line" d="${line}" fill="none" stroke="${esc(color)}" stroke-width="2" stroke-linejoin="round"/>`);
  }
  const dots = points.length <= 62;
  points.forEach((p, i) => {
    if (dots || points.length === 1)
      out.push(
        `<circle cx="${r1(x(i))}" cy="${r1(y(p.value))}" r="2.5" fill="${esc(color)}" data-day="${esc(p.day)}" data-value="${p.value}"><title>${esc(`${p.day}: ${fmtInt(p.value)} ${unit}`)}</title></circle>`,
      );
  });
  out.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${r1(y(0))}" y2="${r1(y(0))}" stroke="#888"/>`);
  out.push('</svg>');
  return out.join('');
}
