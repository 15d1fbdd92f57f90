// Victims, filtered by country and ASN from the drill-down, and the columns other pages reuse.
import { fmtInt, fmtTime, h, link } from '../dom.js';
import { describeRange, rangeLinkQuery, rangePicker } from '../range.js';
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

export async function victimsPage(r: Route): Promise<HTMLElement> {
  const range = await currentRange(r.query);
  const country = r.query.get('country') ?? undefined;
  const asn = r.query.get('asn') ?? undefined;
  const keep = rangeLinkQuery(r.query);
  const what = [country ? `in ${country}` : '', asn ? `in AS${asn}` : ''].filter(Boolean).join(' ');
  return h(
    'div',
    { 'data-page': 'victims' },
    h('div', { class: 'page-head' }, h('h1', {}, `Victims ${what}`.trim()), rangePicker(r.query, withQuery)),
    h('p', { class: 'crumbs' }, link([], keep, 'Overview'), country ? [' › ', link(['country', country], keep, country)] : null, asn ? ` › AS${asn}` : null, ` · ${describeRange(range)}`),
    dataTable({ name: 'victims', path: 'victims', query: { ...rangeParams(range), country, asn }, sort: 'last_seen', columns: victimColumns(keep) }),
  );
}
