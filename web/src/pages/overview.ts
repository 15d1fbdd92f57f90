// The overview: headline counts, the range picker, the world map (click a country), the country
// table, the daily trend and the indicators that matched most. An owner sees the same page about
// its own victims only, plus their list.
import { api } from '../api.js';
import { fmtInt, fmtShare, h, link, route, section } from '../dom.js';
import { describeRange, rangeLinkQuery, rangePicker } from '../range.js';
import { go, withQuery, type Route } from '../router.js';
import { currentMe } from '../session.js';
import { dataTable } from '../table.js';
import { card, chartPanel, currentRange, rangeParams, type Overview } from './common.js';
import { victimColumns } from './victims.js';

interface CountryRow {
  key: string;
  label: string;
  count: number;
  share: number;
}

interface TopIndicator {
  indicator: string;
  type: string;
  families: string[];
  victims: number;
  share: number;
}

export async function overviewPage(r: Route): Promise<HTMLElement> {
  const range = await currentRange(r.query);
  const o = await api.get<Overview>('overview', rangeParams(range));
  const me = currentMe();
  const keep = rangeLinkQuery(r.query);
  const title = me?.owner ? `${me.owner}: your networks` : 'Overview';
  const unit = o.range.unit === 'devices' ? 'devices' : 'addresses';

  const mapPanel = chartPanel('Victims by country (click a country)', 'charts/map', range, 'map', (svg) => {
    svg.addEventListener('click', (ev) => {
      const cc = (ev.target as Element).closest('[data-cc]')?.getAttribute('data-cc');
      if (cc && /^[A-Z]{2}$/.test(cc)) go(route(['country', cc], keep));
    });
    for (const el of svg.querySelectorAll('[data-count]')) el.classList.add('clickable');
  });

  const countries = dataTable<CountryRow>({
    name: 'countries',
    path: 'countries',
    query: rangeParams(range),
    sort: 'count',
    columns: [
      { label: 'Country', sort: 'label', cell: (c) => (c.key === '??' ? c.label : link(['country', c.key], keep, c.label)) },
      { label: 'Code', sort: 'key', cell: (c) => c.key },
      { label: 'Victims', sort: 'count', numeric: true, cell: (c) => fmtInt(c.count) },
      { label: 'Share', sort: 'share', numeric: true, cell: (c) => fmtShare(c.share) },
    ],
  });

  const top = h('ol', { class: 'top-indicators', 'data-list': 'top-indicators' });
  void api.get<{ rows: TopIndicator[] }>('indicators/top', { ...rangeParams(range), limit: 10 }).then((t) => {
    if (!t.rows.length) top.appendChild(h('li', { class: 'empty' }, 'No indicator matched in this range.'));
    for (const i of t.rows)
      top.appendChild(h('li', {}, h('code', {}, i.indicator), ` ${i.type} · ${i.families.join(', ')} · `, h('strong', {}, fmtInt(i.victims)), ` victims (${fmtShare(i.share)})`));
  });

  return h(
    'div',
    { 'data-page': 'overview' },
    h('div', { class: 'page-head' }, h('h1', {}, title), rangePicker(r.query, withQuery)),
    h(
      'div',
      { class: 'cards' },
      card('Active', o.headline.active, 'last 24 hours before the latest sighting', 'active'),
      card('7-day window', o.headline.window, 'seen in the 7 days to the latest sighting', 'window'),
      card('Cumulative', o.headline.cumulative, 'ever seen: inflated by address churn', 'cumulative'),
      card('Selected range', o.range.total, `${describeRange(range)} · ${unit} in ${fmtInt(o.range.countries)} countries`, 'range'),
    ),
    h('p', { class: 'at' }, o.at ? `Latest sighting ${o.at.replace('T', ' ').slice(0, 16)} UTC.` : 'No sightings yet.'),
    mapPanel,
    section('Countries', countries),
    chartPanel('Daily active victims', 'charts/trend', range, 'trend'),
    section('Indicators that matched most', top),
    me?.role === 'owner'
      ? section('Your victims', dataTable({ name: 'victims', path: 'victims', query: rangeParams(range), sort: 'last_seen', columns: victimColumns(keep) }))
      : null,
  );
}
