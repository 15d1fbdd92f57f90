// One country: its networks (ASNs, then organisations) and its victims. An ASN leads to its victims.
import { api } from '../api.js';
import { fmtInt, fmtShare, h, link, section } from '../dom.js';
import { describeRange, rangeLinkQuery, rangePicker } from '../range.js';
import { withQuery, type Route } from '../router.js';
import { dataTable, type Column } from '../table.js';
import { currentRange, rangeParams } from './common.js';
import { victimColumns } from './victims.js';

interface NetworkRow {
  key: string;
  label: string;
  count: number;
  share: number;
}

const share = (): Column<NetworkRow>[] => [
  { label: 'Victims', sort: 'count', numeric: true, cell: (n) => fmtInt(n.count) },
  { label: 'Share of country', sort: 'share', numeric: true, cell: (n) => fmtShare(n.share) },
];

export async function countryPage(r: Route): Promise<HTMLElement> {
  const cc = (r.parts[1] ?? '').toUpperCase();
  const range = await currentRange(r.query);
  const keep = rangeLinkQuery(r.query);
  const head = await api.get<{ name: string; victims: number; unit: string }>(`countries/${encodeURIComponent(cc)}/networks`, { ...rangeParams(range), limit: 1 });
  const asns = dataTable<NetworkRow>({
    name: 'asns',
    path: `countries/${encodeURIComponent(cc)}/networks`,
    query: { ...rangeParams(range), by: 'asn' },
    sort: 'count',
    columns: [
      { label: 'ASN', sort: 'key', numeric: true, cell: (n) => (/^\d+$/.test(n.key) ? link(['victims'], { ...keep, country: cc, asn: n.key }, `AS${n.key}`) : n.key) },
      { label: 'Network', sort: 'label', cell: (n) => n.label.replace(/^AS\d+\s*/, '') },
      ...share(),
    ],
  });
  const orgs = dataTable<NetworkRow>({
    name: 'orgs',
    path: `countries/${encodeURIComponent(cc)}/networks`,
    query: { ...rangeParams(range), by: 'org' },
    sort: 'count',
    columns: [{ label: 'Organisation', sort: 'label', cell: (n) => link(['victims'], { ...keep, country: cc, org: n.key }, n.label) }, ...share()],
  });
  return h(
    'div',
    { 'data-page': 'country', 'data-country': cc },
    h('div', { class: 'page-head' }, h('h1', {}, `${head.name} (${cc})`), rangePicker(r.query, withQuery)),
    h('p', { class: 'crumbs' }, link([], keep, 'Overview'), ` › ${head.name} · ${fmtInt(head.victims)} ${head.unit} · ${describeRange(range)}`),
    section('Autonomous systems', asns),
    section('Organisations', orgs),
    section('Victims', dataTable({ name: 'victims', path: 'victims', query: { ...rangeParams(range), country: cc }, sort: 'last_seen', columns: victimColumns(keep) })),
  );
}
