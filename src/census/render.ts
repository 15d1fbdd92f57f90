// Renders a census as the advisory's table: text, Markdown, CSV or JSON.
import type { CensusRow } from '../store/store.js';
import type { CensusReport, MeasureWindow } from './census.js';

export type OutputFormat = 'table' | 'md' | 'csv' | 'json';

const MEASURE_TEXT = {
  active: 'active: distinct victims seen in the active window (the headline)',
  window: 'window: distinct victims seen between --since and --until (inflated by IP churn)',
  cumulative: 'cumulative: distinct victims ever seen (inflated most by IP churn)',
};

/** Column titles of the grouping, as an advisory would write them. */
const COLUMN_TITLE: Partial<Record<CensusReport['by'], string>> = {
  country: 'Country',
  asn: 'Autonomous system',
  org: 'Network owner',
  family: 'Family',
  tag: 'Tag',
  indicator: 'Indicator',
  kind: 'Evidence',
  grade: 'Evidence grade',
  device: 'Device type',
  vendor: 'Vendor',
  'device-vendor': 'Device type | vendor',
  product: 'Product',
  cve: 'CVE',
};

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** Counts in text output: with thousands separators (1,234,567). */
export const count = (n: number) => n.toLocaleString('en-US');
const iso = (ms?: number) => (ms === undefined ? '…' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const span = (w: MeasureWindow) => (w.measure === 'cumulative' ? 'all time' : `${iso(w.from)} .. ${iso(w.to)}`);

function allRows(r: CensusReport): CensusRow[] {
  const rows = [...r.result.rows];
  if (r.result.others) rows.push(r.result.others);
  return rows;
}

export function renderCensus(r: CensusReport, format: OutputFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'csv':
      return (
        ['key,label,count,share', ...allRows(r).map((x) => [x.key, x.label, x.count, x.share.toFixed(6)].map(csvCell).join(','))].join('\n') +
        `\ntotal,Total,${r.result.total},1\n`
      );
    case 'md':
      return renderMarkdown(r);
    case 'table':
      return renderTable(r);
  }
}

export function csvCell(v: unknown): string {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function headerLines(r: CensusReport): string[] {
  const h = r.headline;
  const unit = r.result.unit === 'devices' ? `devices (${r.result.addresses} addresses collapsed into ${r.result.total} devices where identifiers exist)` : 'IP addresses';
  const infl = (x?: number) => (x === undefined ? '' : ` (${x.toFixed(2)}× the active count)`);
  const out = [
    `Measure: ${MEASURE_TEXT[r.measure]}, ${span(r.window)}`,
    `Counting: ${unit}`,
    `Active ${count(h.active)} · window ${count(h.window)}${infl(h.windowInflation)} · cumulative ${count(h.cumulative)}${infl(h.cumulativeInflation)}`,
  ];
  const ex = r.result.excluded;
  if (ex.warninglisted || ex.outsideConstituency)
    out.push(`Left out: ${count(ex.warninglisted)} on warninglists, ${count(ex.outsideConstituency)} outside the constituency`);
  const note = emptyNote(r) ?? overlapNote(r);
  if (note) out.push(note);
  return out;
}

/** Why the table is empty: no sightings at all, or none in the window (and where the data is). */
export function emptyNote(r: CensusReport): string | undefined {
  if (r.result.total > 0) return undefined;
  if (r.at === undefined) return 'The store holds no sightings yet: import indicators (botcensus intel import) and telemetry (botcensus ingest).';
  if (r.headline.cumulative === 0) return 'No victim counts under these filters in any window.';
  return `No victim was seen in this window; the latest sighting is at ${iso(r.at)} (relative times such as 7d count back from it).`;
}

/** A victim can belong to several groups of some groupings (families, tags, indicators): their shares add up to more than 100%. */
export function overlapNote(r: CensusReport): string | undefined {
  const sum = allRows(r).reduce((n, x) => n + x.count, 0);
  if (sum <= r.result.total) return undefined;
  const what = r.by === 'family' ? 'family' : COLUMN_TITLE[r.by]?.toLowerCase() ?? r.by;
  return `A victim seen with more than one ${what} counts under each, so the shares add up to more than 100% (the rows add up to ${count(sum)} for ${count(r.result.total)} victims).`;
}

function renderTable(r: CensusReport): string {
  const rows = allRows(r);
  const head = [COLUMN_TITLE[r.by] ?? r.by, 'Victims', 'Share'];
  const body = rows.map((x) => [r.by === 'country' && x.key !== 'others' ? `${x.label} (${x.key})` : x.label, count(x.count), pct(x.share)]);
  body.push(['Total', count(r.result.total), r.result.total ? '100.0%' : '-']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [...headerLines(r), '', line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}

function renderMarkdown(r: CensusReport): string {
  const rows = allRows(r);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return (
    [
      ...headerLines(r).map((l) => `${l}  `),
      '',
      `| ${r.by} | victims | share |`,
      '|---|---:|---:|',
      ...rows.map((x) => `| ${esc(x.label)} | ${count(x.count)} | ${pct(x.share)} |`),
      `| **Total** | **${count(r.result.total)}** | 100.0% |`,
    ].join('\n') + '\n'
  );
}
