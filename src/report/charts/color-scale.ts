// The sequential colour scale of the map and its legend: ColorBrewer "Blues", on a log scale so
// a country with 3 victims and one with 30,000 are both visible and never share a colour.
import { esc, fmtInt, r1 } from './svg-util.js';

/** ColorBrewer Blues (9 classes), light to dark; the lightest three are too close to "none" on paper. */
const BLUES = ['#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
/** Fill of a country with no victims. */
export const NO_DATA_FILL = '#e4e4e4';

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

/** Colour at position t in [0, 1] along the palette, interpolated in RGB. */
export function paletteAt(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const [a, b] = [hex(BLUES[i]!), hex(BLUES[i + 1]!)];
  const f = x - i;
  return '#' + a.map((v, k) => Math.round(v + (b[k]! - v) * f).toString(16).padStart(2, '0')).join('');
}

/** Position of a count on the log scale from 1 to `max`. */
export function scalePosition(count: number, max: number): number {
  if (max <= 1) return 1;
  return Math.log(Math.max(1, count)) / Math.log(max);
}

/** Fill for a count: grey for none, else the palette on a log scale up to `max`. */
export function countFill(count: number, max: number): string {
  return count > 0 ? paletteAt(scalePosition(count, max)) : NO_DATA_FILL;
}

/** Legend swatches at (x, y): "none" plus up to five counts from 1 to max, evenly spaced on the log scale. */
export function legendSvg(x: number, y: number, max: number, title = 'Victims'): string {
  const values = [...new Set([0, 0.25, 0.5, 0.75, 1].map((t) => Math.round(max ** t)))].filter((v) => v >= 1 && v <= max);
  const items: [string, string][] = [['none', NO_DATA_FILL], ...values.map((v): [string, string] => [fmtInt(v), countFill(v, max)])];
  const w = 44;
  const parts = [`<g class="legend" transform="translate(${r1(x)},${r1(y)})">`, `<text x="0" y="-6" font-weight="600">${esc(title)}</text>`];
  items.forEach(([label, fill], i) => {
    parts.push(`<rect x="${i * w}" y="0" width="${w - 4}" height="10" fill="${fill}" stroke="#999" stroke-width="0.3"/>`);
    parts.push(`<text x="${i * w}" y="23" font-size="10" fill="#333">${esc(label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}
