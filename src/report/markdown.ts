// The report as Markdown: the same headline, tables and methodology, without charts. Cells are
// escaped so a name from imported data can neither break the table nor inject HTML or links.
import { fmtInt, fmtShare } from './charts/svg-util.js';
import type { CensusRow } from '../store/store.js';
import type { ReportData } from './report-data.js';
import type { ReportSection } from './sources.js';
import { constituencyText, entries, GRADE_TEXT, headlineItems, importLines, NOT_AVAILABLE, scopeSentence, sumBy, tableScope, unitSentence, utc } from './text.js';

/** Text safe in a Markdown table cell or paragraph. */
export function mdEscape(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#!])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A column: heading, cell text (already escaped) and whether it is right-aligned. */
type Col<T> = [head: string, cell: (x: T) => string, numeric?: boolean];

function table<T>(items: T[], cols: Col<T>[]): string[] {
  return [
    `| ${cols.map((c) => c[0]).join(' | ')} |`,
    `|${cols.map((c) => (c[2] ? '---:' : '---')).join('|')}|`,
    ...items.map((x) => `| ${cols.map((c) => c[1](x)).join(' | ')} |`),
    '',
  ];
}

const count = (n: number) => fmtInt(n);
const censusCols = (head: string): Col<CensusRow>[] => [[head, (r) => mdEscape(r.label)], ['Victims', (r) => count(r.count), true], ['Share', (r) => fmtShare(r.share), true]];

function countrySection(d: ReportData): string[] {
  const r = d.census.result;
  const rows: CensusRow[] = [...r.rows, ...(r.others ? [{ ...r.others, key: '' }] : [])];
  const out = ['## Victims by country', '', mdEscape(`${tableScope(d)}.`), ''];
  out.push(...table(rows, [['Country', (x) => mdEscape(x.label)], ['Code', (x) => mdEscape(x.key)], ['Victims', (x) => count(x.count), true], ['Share', (x) => fmtShare(x.share), true]]).slice(0, -1));
  out.push(`| **Total** |  | **${count(r.total)}** | ${r.total ? '100.0%' : '–'} |`, '');
  const ex = r.excluded;
  if (ex.warninglisted || ex.outsideConstituency) out.push(`Left out: ${count(ex.warninglisted)} on warninglists, ${count(ex.outsideConstituency)} outside the constituency.`, '');
  return out;
}

function deviceSection(d: ReportData): string[] {
  const out = ['## Device types and vendors', ''];
  if (d.devices?.length) {
    const total = d.devices.reduce((a, x) => a + x.count, 0);
    for (const [key, head] of [['type', 'Device type'], ['vendor', 'Vendor']] as const)
      out.push(...table(sumBy(d.devices, key), [[head, (x) => mdEscape(x.label)], ['Victims', (x) => count(x.value), true], ['Share', (x) => fmtShare(total ? x.value / total : 0), true]]));
  } else out.push(`_${NOT_AVAILABLE}_`, '');
  return out;
}

function cveSection(d: ReportData): string[] {
  const out = ['## Exploited vulnerabilities', ''];
  if (d.cves?.length)
    out.push(
      ...table(d.cves, [
        ['CVE', (c) => mdEscape(c.cve)],
        ['Affected', (c) => mdEscape([c.vendor, c.product].filter(Boolean).join(' '))],
        ['Victims', (c) => count(c.victims), true],
        ['KEV added', (c) => mdEscape(c.kev?.dateAdded ?? 'not in KEV')],
        ['KEV due', (c) => mdEscape(c.kev?.dueDate ?? '')],
        ['Ransomware', (c) => mdEscape(c.kev?.knownRansomwareUse ?? '')],
      ]),
    );
  else out.push(`_${NOT_AVAILABLE}_`, '');
  return out;
}

function extraSection(s: ReportSection): string[] {
  const out = [`## ${mdEscape(s.title)}`, '', ...(s.paragraphs ?? []).flatMap((p) => [mdEscape(p), ''])];
  const t = s.table;
  if (t) {
    const numeric = t.columns.map((_, i) => t.rows.every((r) => typeof r[i] === 'number'));
    out.push(...table(t.rows, t.columns.map((c, i): Col<(string | number)[]> => [mdEscape(c), (r) => (numeric[i] ? count(Number(r[i])) : mdEscape(r[i])), numeric[i]])));
  }
  return out;
}

function methodology(d: ReportData): string[] {
  const m = d.methodology;
  const w = d.census.headlineWindows;
  const lists = m.warninglists.map((l) => mdEscape(`${l.list} (${entries(l.entries)})`)).join('; ') || 'none imported';
  return [
    '## Methodology',
    '',
    `- **Counting:** ${mdEscape(unitSentence(d))}`,
    `- **Windows:** active ${utc(w.active.from)} to ${utc(w.active.to)} (${m.activeHours} hours); window ${utc(w.window.from)} to ${utc(w.window.to)}; cumulative: all data.`,
    `- **Scope:** ${mdEscape(d.owner ? `victims of owner ${d.owner} only` : `constituency ${constituencyText(d)}`)}.`,
    `- **Evidence:** ${GRADE_TEXT} Weakest grade counted: ${m.minGrade}.`,
    `- **Warninglists:** ${lists}.`,
    '- **Sources:**',
    ...importLines(m.imports, d.owner !== undefined).map((l) => `  - ${mdEscape(l)}`),
    '- **Enrichment:**',
    ...m.attributions.map((a) => `  - ${mdEscape(a)}`),
    '',
  ];
}

export function renderReportMarkdown(d: ReportData): string {
  const ref = d.census.at === undefined ? 'no sightings in the store' : `reference time ${utc(d.census.at)}`;
  const out: string[] = [`# ${mdEscape(d.title)}`, ''];
  if (d.marking) out.push(`**${mdEscape(d.marking)}**`, '');
  out.push(mdEscape(scopeSentence(d)), '', mdEscape(`Counts as of the ${ref}; generated ${utc(d.generatedAt)}.`), '', '## Key figures', '');
  out.push(...table(headlineItems(d), [['Measure', (h) => h.label], ['Victims', (h) => count(h.count), true], ['Period', (h) => mdEscape(h.span)], ['Meaning', (h) => mdEscape(h.sentence)]]));
  out.push(mdEscape(unitSentence(d)), '', ...countrySection(d));
  out.push('## Networks', '', ...table([...d.asns.rows, ...(d.asns.others ? [d.asns.others] : [])], censusCols('Autonomous system')));
  out.push(...deviceSection(d));
  out.push('## Daily active victims', '');
  if (d.trend.days.length) out.push(...table(d.trend.days, [['Day (UTC)', (x) => x.day], ['Victims', (x) => count(x.victims), true]]));
  else out.push('No sightings to draw a trend from.', '');
  out.push('## Indicators that matched most', '');
  if (d.indicators.length)
    out.push(
      ...table(d.indicators, [
        ['Indicator', (i) => mdEscape(i.indicator)],
        ['Type', (i) => mdEscape(i.type)],
        ['Source', (i) => mdEscape(i.sources.join(', '))],
        ['Victims', (i) => count(i.victims), true],
        ['Share', (i) => fmtShare(i.share), true],
      ]),
    );
  else out.push('No indicator matched in the window.', '');
  out.push(...cveSection(d));
  if (d.remediation) out.push(...extraSection(d.remediation));
  out.push(...methodology(d));
  return out.join('\n');
}
