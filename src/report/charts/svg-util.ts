// Small helpers every chart shares: escaping, number formatting, tick choice and label fitting.

/** Escapes text for HTML/SVG element content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One formatter for every call: toLocaleString builds a new one each time (about 0.1 ms). */
const INT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567" (fixed locale, so reports do not depend on the machine's). */
export function fmtInt(n: number): string {
  return INT_FORMAT.format(Math.round(n));
}

/** 0.1234 -> "12.3%", the same rounding as the census table. */
export function fmtShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A rounded coordinate, so SVG text stays short. */
export const r1 = (x: number): string => String(Math.round(x * 10) / 10);

/** About `count` round tick values from 0 to at least `max` (1, 2, 5 × 10^k steps). */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const stepInt = Math.max(1, step); // counts are whole numbers
  const ticks: number[] = [];
  for (let v = 0; v < max + stepInt; v += stepInt) ticks.push(v);
  return ticks;
}

/** Cuts a label to about `maxChars` characters with an ellipsis (the full text goes in a <title>). */
export function fitLabel(label: string, maxChars: number): string {
  return label.length <= maxChars ? label : label.slice(0, Math.max(1, maxChars - 1)).trimEnd() + '…';
}

/** The font stack of every chart: installed sans-serif fonts only, no web fonts. */
export const FONT = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif`;

/** Opening tag of a chart's root <svg>: fixed viewBox, scales to its container, labelled for screen readers. */
export function svgOpen(width: number, height: number, label: string, className: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${esc(className)}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-label="${esc(label)}" font-family="${esc(FONT)}" font-size="12">`
  );
}
