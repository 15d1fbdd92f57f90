// The report's HTML sections, one function each. Every value from the data goes through esc():
// names, AS organisations, indicator values and file names come from imported files.
import { barChartSvg, type BarRow } from './charts/bar-chart.js';
import { esc, fmtInt, fmtShare } from './charts/svg-util.js';
import { trendChartSvg } from './charts/trend-chart.js';
import { loadWorldAtlas } from './charts/world-atlas.js';
import { countriesOffMap, worldMapSvg } from './charts/world-map.js';
import type { CensusResult, CensusRow } from '../store/store.js';
import type { ReportData } from './report-data.js';
import type { ReportSection } from './sources.js';
import { constituencyText, entries, GRADE_TEXT, headlineItems, importLines, NOT_AVAILABLE, sumBy, tableScope, unitSentence, utc } from './text.js';

const num = (v: string) => `<td class="num">${v}</td>`;
const section = (id: string, title: string, body: string) => `<section id="${esc(id)}"><h2>${esc(title)}</h2>${body}</section>`;
const figure = (svg: string, caption: string) => `<figure>${svg}<figcaption>${caption}</figcaption></figure>`;
const barRows = (rows: CensusRow[]): BarRow[] => rows.map((r) => ({ label: r.label, value: r.count, share: r.share }));

export function headlineSection(d: ReportData): string {
  const cards = headlineItems(d).map(
    (h) =>
      `<div class="card ${h.measure}" data-measure="${h.measure}" data-count="${h.count}"><div class="label">${esc(h.label)}</div>` +
      `<div class="count">${fmtInt(h.count)}</div><div class="span">${esc(h.span)}</div><p class="what">${esc(h.sentence)}</p></div>`,
  );
  return section('headline', 'Key figures', `<div class="headline">${cards.join('')}</div><p class="note">${esc(unitSentence(d))}</p>`);
}

export function countrySection(d: ReportData): string {
  const r = d.census.result;
  const row = (x: CensusRow, cls: string, code: string) =>
    `<tr class="${cls}" data-key="${esc(x.key)}" data-count="${x.count}" data-share="${x.share}"><td>${esc(x.label)}</td><td>${esc(code)}</td>${num(fmtInt(x.count))}${num(fmtShare(x.share))}</tr>`;
  const body = r.rows.map((x) => row(x, 'country', x.key));
  if (r.others) body.push(row(r.others, 'others', ''));
  body.push(`<tr class="total" data-key="total" data-count="${r.total}"><td>Total</td><td></td>${num(fmtInt(r.total))}${num(r.total ? '100.0%' : '–')}</tr>`);
  const table =
    `<table class="census-table" id="country-table" data-measure="${d.census.measure}" data-total="${r.total}">` +
    `<thead><tr><th>Country</th><th>Code</th><th class="num">Victims</th><th class="num">Share</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
  const ex = r.excluded;
  const left = ex.warninglisted || ex.outsideConstituency ? ` Left out: ${fmtInt(ex.warninglisted)} on warninglists, ${fmtInt(ex.outsideConstituency)} outside the constituency.` : '';
  const atlas = loadWorldAtlas();
  const counts = d.countries.map((c) => ({ cc: c.key, count: c.count, name: c.label }));
  const off = countriesOffMap(counts, atlas);
  const offText = off.length ? ` Not on the map: ${off.map((c) => `${c.name ?? c.cc} (${fmtInt(c.count)})`).join(', ')}.` : '';
  const map = figure(
    worldMapSvg(counts, atlas, { label: `Map of ${tableScope(d)} by country` }),
    esc(`${tableScope(d)} by country, log colour scale; dots mark countries too small to draw.${offText}`),
  );
  return section('countries', 'Victims by country', `<p class="note">${esc(tableScope(d) + '.' + left)}</p>${table}${map}`);
}

function sameCounts(a: CensusResult, b: CensusResult): boolean {
  return a.rows.length === b.rows.length && a.rows.every((r, i) => r.count === b.rows[i]!.count);
}

export function networkSection(d: ReportData): string {
  const others = (r: CensusResult) => (r.others ? ` ${r.others.label}: ${fmtInt(r.others.count)} victims.` : '');
  let body = '<h3>By autonomous system</h3>' + figure(barChartSvg(barRows(d.asns.rows), { label: 'Victims by autonomous system' }), esc(`Victims by autonomous system (${tableScope(d)}).${others(d.asns)}`));
  // One organisation can hold several ASNs; its own chart only when that changes the picture.
  if (!sameCounts(d.asns, d.orgs))
    body += '<h3>By organisation</h3>' + figure(barChartSvg(barRows(d.orgs.rows), { label: 'Victims by organisation' }), esc(`Victims by organisation holding the ASN.${others(d.orgs)}`));
  return section('networks', 'Networks', body);
}

export function deviceSection(d: ReportData): string {
  if (!d.devices?.length) return section('devices', 'Device types and vendors', `<p class="na">${esc(NOT_AVAILABLE)}</p>`);
  const total = d.devices.reduce((a, x) => a + x.count, 0);
  const bars = (key: 'type' | 'vendor') => barRows(sumBy(d.devices!, key).map((x) => ({ key: x.label, label: x.label, count: x.value, share: total ? x.value / total : 0 })));
  return section(
    'devices',
    'Device types and vendors',
    '<h3>By device type</h3>' +
      figure(barChartSvg(bars('type'), { label: 'Victims by device type' }), 'Identified victims by device type.') +
      '<h3>By vendor</h3>' +
      figure(barChartSvg(bars('vendor'), { label: 'Victims by vendor', color: '#4292c6' }), 'Identified victims by vendor.'),
  );
}

export function trendSection(d: ReportData): string {
  const days = d.trend.days;
  const peak = days.reduce((a, x) => (x.victims > a.victims ? x : a), days[0] ?? { day: '', victims: 0 });
  const caption = days.length
    ? `Distinct victims seen on each UTC day, ${days[0]!.day} to ${days[days.length - 1]!.day}; peak ${fmtInt(peak.victims)} on ${peak.day}. A day counts like the active measure over that calendar day; the last day may be partial.`
    : 'No sightings to draw a trend from.';
  return section('trend', 'Daily active victims', figure(trendChartSvg(days.map((x) => ({ day: x.day, value: x.victims })), { label: 'Daily active victims' }), esc(caption)));
}

export function indicatorSection(d: ReportData): string {
  if (!d.indicators.length) return section('indicators', 'Indicators that matched most', '<p class="na">No indicator matched in the window.</p>');
  const rows = d.indicators.map(
    (i) =>
      `<tr><td><code>${esc(i.indicator)}</code></td><td>${esc(i.type)}</td><td>${esc(i.sources.join(', ') || '–')}</td><td>${esc(i.kinds.join(', '))}</td>${num(fmtInt(i.victims))}${num(fmtShare(i.share))}</tr>`,
  );
  return section(
    'indicators',
    'Indicators that matched most',
    `<p class="note">${esc(`Distinct victims each indicator matched (${tableScope(d)}); a victim can match several.`)}</p>` +
      `<table id="indicator-table"><thead><tr><th>Indicator</th><th>Type</th><th>Source</th><th>Seen in</th><th class="num">Victims</th><th class="num">Share</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  );
}

export function cveSection(d: ReportData): string {
  if (!d.cves?.length) return section('cves', 'Exploited vulnerabilities', `<p class="na">${esc(NOT_AVAILABLE)}</p>`);
  const rows = d.cves.map(
    (c) =>
      `<tr><td>${esc(c.cve)}</td><td>${esc([c.vendor, c.product].filter(Boolean).join(' ') || '–')}</td>${num(fmtInt(c.victims))}` +
      `<td>${esc(c.kev ? c.kev.dateAdded : 'not in KEV')}</td><td>${esc(c.kev?.dueDate ?? '–')}</td><td>${esc(c.kev?.knownRansomwareUse ?? '–')}</td></tr>`,
  );
  return section(
    'cves',
    'Exploited vulnerabilities',
    `<p class="note">CVEs affecting the identified devices, with CISA Known Exploited Vulnerabilities (KEV) catalog data.</p>` +
      `<table id="cve-table"><thead><tr><th>CVE</th><th>Affected</th><th class="num">Victims</th><th>KEV added</th><th>KEV due</th><th>Ransomware</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  );
}

/** A free-form section from another stage (remediation). */
export function extraSection(s: ReportSection): string {
  let body = (s.paragraphs ?? []).map((p) => `<p>${esc(p)}</p>`).join('');
  if (s.table) {
    const numeric = s.table.columns.map((_, i) => s.table!.rows.every((r) => typeof r[i] === 'number'));
    const head = s.table.columns.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(c)}</th>`).join('');
    const rows = s.table.rows.map((r) => `<tr>${r.map((v, i) => (numeric[i] ? num(fmtInt(Number(v))) : `<td>${esc(v)}</td>`)).join('')}</tr>`);
    body += `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }
  return section(s.id, s.title, body);
}

export function methodologySection(d: ReportData): string {
  const m = d.methodology;
  const w = d.census.headlineWindows;
  const item = (dt: string, dd: string) => `<dt>${esc(dt)}</dt><dd>${dd}</dd>`;
  const lists = m.warninglists.length ? m.warninglists.map((l) => `${l.list} (${entries(l.entries)})`).join('; ') : 'none imported';
  const ex = d.census.result.excluded;
  const list = (lines: string[]) => `<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`;
  return section(
    'methodology',
    'Methodology',
    `<dl class="method">` +
      item('Counting', esc(unitSentence(d))) +
      item(
        'Windows',
        esc(
          `Active: the ${m.activeHours} hours from ${utc(w.active.from)} to ${utc(w.active.to)}. Window: ${utc(w.window.from)} to ${utc(w.window.to)}. ` +
            `Cumulative: all data. Tables, map and bars count ${tableScope(d)}. A sighting counts when its hour overlaps the window.`,
        ),
      ) +
      item('Scope', esc(d.owner ? `Victims of owner ${d.owner} only.` : `Constituency: ${constituencyText(d)}${m.includeOutside ? '; victims outside it counted too' : ''}.`)) +
      item('Evidence', esc(`${GRADE_TEXT} Weakest grade counted: ${m.minGrade}.`)) +
      item(
        'Warninglists',
        esc(`${lists}. ${m.includeWarned ? 'Victims on them are counted too.' : `Victims on them are left out (${fmtInt(ex.warninglisted)} in this count); indicators on them are not matched.`}`),
      ) +
      item('Sources', list(importLines(m.imports, d.owner !== undefined))) +
      item('Enrichment', list(m.attributions)) +
      `</dl>`,
  );
}
