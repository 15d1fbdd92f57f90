// The report's wording, shared by the HTML and Markdown renderers: what each count means, the
// windows, and summaries of devices and sources, as plain text (each renderer escapes it).
import { countryName } from '../core/country-names.js';
import type { ImportRow, Measure } from '../store/store.js';
import { fmtInt } from './charts/svg-util.js';
import type { ReportData } from './report-data.js';
import type { DeviceCount } from './sources.js';

/** 1718150400000 -> "2024-06-12 00:00 UTC". */
export function utc(ms: number | Date | undefined): string {
  if (ms === undefined) return '…';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** What the device and CVE sections say until identification data exists. */
export const NOT_AVAILABLE = 'Not available yet (no identification data).';

/** "1 entry", "1,024 entries". */
export const entries = (n: number) => `${fmtInt(n)} ${n === 1 ? 'entry' : 'entries'}`;

export const ratio = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);

export interface HeadlineItem {
  measure: Measure;
  label: string;
  count: number;
  span: string;
  sentence: string;
}

/** The three headline counts with a plain sentence each on what it means and how churn inflates it. */
export function headlineItems(d: ReportData): HeadlineItem[] {
  const h = d.census.headline;
  const w = d.census.headlineWindows;
  const hours = d.methodology.activeHours;
  return [
    {
      measure: 'active',
      label: 'Active',
      count: h.active,
      span: `${utc(w.active.from)} to ${utc(w.active.to)}`,
      sentence: `Distinct victims seen in the ${hours} hours before ${utc(w.active.to)}. The best measure of the botnet's size now, and the figure to quote.`,
    },
    {
      measure: 'window',
      label: 'Window',
      count: h.window,
      span: `${utc(w.window.from)} to ${utc(w.window.to)}`,
      sentence:
        `Distinct victims seen over the whole window. A device whose address changes (dynamic addressing, carrier-grade NAT, reboots) ` +
        `counts once per address, so churn inflates this: ${ratio(h.windowInflation)} the active count.`,
    },
    {
      measure: 'cumulative',
      label: 'Cumulative',
      count: h.cumulative,
      span: 'all data in the store',
      sentence:
        `Distinct victims ever seen, including devices cleaned up or gone since and every address a device ever had. ` +
        `Churn inflates it most (${ratio(h.cumulativeInflation)} the active count): not the botnet's size.`,
    },
  ];
}

/** What the tables count, e.g. "active victims, 2024-06-11 02:00 UTC to 2024-06-12 02:00 UTC". */
export function tableScope(d: ReportData): string {
  const w = d.census.window;
  const when = w.measure === 'cumulative' ? 'all time' : `${utc(w.from)} to ${utc(w.to)}`;
  return `${w.measure} victims, ${when}`;
}

/** Who the report covers. */
export function scopeSentence(d: ReportData): string {
  if (d.owner) return `Victims whose most specific network owner is ${d.owner}; nothing about other networks is counted.`;
  const c = d.methodology.constituency;
  if (!c) return 'All victims in the store, wherever they are.';
  return `Victims in the constituency ${constituencyText(d)}.`;
}

export function constituencyText(d: ReportData): string {
  const c = d.methodology.constituency;
  if (!c) return 'none (every victim counts)';
  const parts: string[] = [];
  if (c.countries.length) parts.push(c.countries.map((cc) => `${countryName(cc)} (${cc})`).join(', '));
  if (c.asns.length) parts.push(c.asns.map((a) => `AS${a}`).join(', '));
  if (c.ranges.length) parts.push(`${c.ranges.length} address ranges`);
  const from = d.methodology.constituencyLabel ? ` from ${d.methodology.constituencyLabel}` : '';
  return `${parts.join('; ') || 'empty'}${from}`;
}

export function unitSentence(d: ReportData): string {
  const r = d.census.result;
  return r.unit === 'devices'
    ? `Victims are devices: where a report carries a device identifier, its addresses count as one device (${fmtInt(r.addresses)} addresses, ${fmtInt(r.total)} victims in the tables); elsewhere each address counts once.`
    : 'Victims are IP addresses: no device identifiers were available to collapse several addresses of one device.';
}

export const GRADE_TEXT =
  'Evidence grades: confirmed (DNS, HTTP, TLS or a report naming the victim), two-way (traffic both ways with an indicator), one-way (traffic one way only).';

/** Sums device counts by one field, largest first. */
export function sumBy(devices: DeviceCount[], key: 'type' | 'vendor'): { label: string; value: number }[] {
  const m = new Map<string, number>();
  for (const x of devices) m.set(x[key] ?? 'unknown', (m.get(x[key] ?? 'unknown') ?? 0) + x.count);
  return [...m].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
}

/** One line per kind of input (kind, format, source, sensor): how many files, how much was read, the time span. Owner reports get the sources only. */
export function importLines(imports: ImportRow[], ownerView: boolean): string[] {
  if (ownerView) {
    const intel = [...new Set(imports.filter((i) => i.kind === 'intel').map((i) => i.source ?? i.format))];
    const tele = [...new Set(imports.filter((i) => i.kind === 'telemetry').map((i) => i.format))];
    return [`Indicator sources: ${intel.join(', ') || 'none'}.`, `Telemetry formats: ${tele.join(', ') || 'none'}.`];
  }
  const groups = new Map<string, ImportRow[]>();
  for (const i of imports) {
    const key = `${i.kind} ${i.format}${i.source ? ` from ${i.source}` : ''}${i.sensor ? `, sensor ${i.sensor}` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups].map(([what, rows]) => {
    const sum = (f: (i: ImportRow) => number) => rows.reduce((a, i) => a + f(i), 0);
    const files = rows.length === 1 ? rows[0]!.file.split(/[\\/]/).pop() : `${fmtInt(rows.length)} files`;
    const rejected = sum((i) => i.rejected);
    const lines = sum((i) => i.lines);
    const read = `${fmtInt(sum((i) => i.records))} records${lines ? ` of ${fmtInt(lines)} lines` : ''}${rejected ? `, ${fmtInt(rejected)} rejected` : ''}`;
    const min = Math.min(...rows.map((i) => i.minTs?.getTime() ?? Infinity));
    const max = Math.max(...rows.map((i) => i.maxTs?.getTime() ?? -Infinity));
    return `${what}: ${files} (${read}${Number.isFinite(min) && Number.isFinite(max) ? `, ${utc(min)} to ${utc(max)}` : ''})`;
  });
}
