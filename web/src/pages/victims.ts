// Victims, filtered by country and ASN from the drill-down, and the columns other pages reuse.
import { api } from '../api.js';
import { fmtInt, fmtShare, fmtTime, h, link } from '../dom.js';
import { describeRange, rangeLinkQuery, rangePicker, type RangeState } from '../range.js';
import { withQuery, type Route } from '../router.js';
import { dataTable, type Column } from '../table.js';
import { currentRange, rangeParams } from './common.js';

export interface VictimRow {
  ip: string;
  country?: string;
  asn?: number;
  asOrg?: string;
  families: string[];
  indicators: string[];
  grade: string;
  firstSeen: string;
  lastSeen: string;
  events: number;
  deviceId?: string;
  warnings: string[];
}

export function victimColumns(keep: Record<string, string | undefined>): Column<VictimRow>[] {
  return [
    { label: 'Address', sort: 'ip', cell: (v) => link(['victim', v.ip], keep, v.ip) },
    { label: 'Country', sort: 'country', cell: (v) => v.country ?? '' },
    { label: 'ASN', sort: 'asn', numeric: true, cell: (v) => (v.asn === undefined ? '' : `AS${v.asn}`) },
    { label: 'Organisation', sort: 'org', cell: (v) => v.asOrg ?? '' },
    { label: 'Evidence', sort: 'grade', cell: (v) => h('span', { class: `grade ${v.grade}` }, v.grade) },
    { label: 'Families', cell: (v) => v.families.join(', ') },
    { label: 'Indicators', cell: (v) => v.indicators.join(', ') },
    { label: 'First seen', sort: 'first_seen', cell: (v) => fmtTime(v.firstSeen) },
    { label: 'Last seen', sort: 'last_seen', cell: (v) => fmtTime(v.lastSeen) },
    { label: 'Events', sort: 'events', numeric: true, cell: (v) => fmtInt(v.events) },
  ];
}

interface NetworkAnswer {
  rows: { key: string; label: string; count: number; share: number }[];
  name: string;
  unit: string;
}

/** The network a list is filtered to (an ASN or organisation inside a country): its name, count and share. */
async function networkHead(country: string, by: 'asn' | 'org', key: string, range: RangeState): Promise<HTMLElement> {
  const n = await api.get<NetworkAnswer>(`countries/${encodeURIComponent(country)}/networks`, { ...rangeParams(range), by, key });
  const row = n.rows[0];
  const title = by === 'asn' ? `AS${key}` : key;
  const name = by === 'asn' ? (row?.label ?? '').replace(/^AS\d+\s*/, '') : '';
  return h(
    'div',
    { class: 'panel as-head', 'data-network': by },
    h('div', {}, h('div', { class: 'label' }, by === 'asn' ? 'Autonomous system' : 'Organisation'), h('strong', { 'data-network-name': '' }, name ? `${title} · ${name}` : title)),
    h('div', {}, h('div', { class: 'label' }, n.unit === 'devices' ? 'Devices' : 'Victims'), h('strong', { 'data-network-count': '' }, fmtInt(row?.count ?? 0))),
    h('div', {}, h('div', { class: 'label' }, `Share of ${n.name}`), h('strong', { 'data-network-share': '' }, fmtShare(row?.share ?? 0))),
  );
}

export async function victimsPage(r: Route): Promise<HTMLElement> {
  const range = await currentRange(r.query);
  const country = r.query.get('country') ?? undefined;
  const asn = r.query.get('asn') ?? undefined;
  const org = r.query.get('org') ?? undefined;
  const indicator = r.query.get('indicator') ?? undefined;
  const keep = rangeLinkQuery(r.query);
  const what = [country ? `in ${country}` : '', asn ? `in AS${asn}` : '', org ? `of ${org}` : '', indicator ? `of indicator ${indicator}` : ''].filter(Boolean).join(' ');
  const head = country && (asn || org) ? await networkHead(country, asn ? 'asn' : 'org', (asn ?? org)!, range) : null;
  return h(
    'div',
    { 'data-page': 'victims' },
    h('div', { class: 'page-head' }, h('h1', {}, `Victims ${what}`.trim()), rangePicker(r.query, withQuery)),
    h(
      'p',
      { class: 'crumbs' },
      link([], keep, 'Overview'),
      country ? [' › ', link(['country', country], keep, country)] : null,
      asn ? ` › AS${asn}` : null,
      org ? ` › ${org}` : null,
      indicator ? [' › ', link(['indicators'], { ...keep, q: indicator }, 'Indicators'), ` › ${indicator}`] : null,
      ` · ${describeRange(range)}`,
    ),
    head,
    dataTable({ name: 'victims', path: 'victims', query: { ...rangeParams(range), country, asn, org, indicator }, sort: 'last_seen', columns: victimColumns(keep) }),
  );
}
