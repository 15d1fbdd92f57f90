// Indicators: search, per-source counts, and which indicators matched (filter matched / not).
import { api } from '../api.js';
import { fmtInt, fmtTime, h, link, section } from '../dom.js';
import { describeRange, rangeLinkQuery, rangePicker } from '../range.js';
import { withQuery, type Route } from '../router.js';
import { dataTable } from '../table.js';
import { currentRange, rangeParams } from './common.js';

interface IndicatorRow {
  value: string;
  type: string;
  source: string;
  family?: string;
  tags: string[];
  description?: string;
  firstSeen?: string;
  lastSeen?: string;
  warnings: string[];
  victims: number;
}

interface SourceCount {
  source: string;
  indicators: number;
  matched: number;
  victims: number;
}

export async function indicatorsPage(r: Route): Promise<HTMLElement> {
  const range = await currentRange(r.query);
  const keep = rangeLinkQuery(r.query);
  const q = r.query.get('q') ?? '';
  const matched = r.query.get('matched') ?? '';
  const source = r.query.get('source') ?? '';
  const sources = await api.get<{ rows: SourceCount[] }>('indicators/sources');

  const search = h('input', { type: 'search', name: 'q', value: q, placeholder: 'value, family, tag…', 'aria-label': 'Search indicators' });
  const matchedSelect = h(
    'select',
    { name: 'matched', 'aria-label': 'Matched' },
    ...[['', 'All indicators'], ['yes', 'Matched a victim'], ['no', 'Never matched']].map(([v, l]) => h('option', { value: v!, selected: v === matched }, l!)),
  );
  const sourceSelect = h(
    'select',
    { name: 'source', 'aria-label': 'Source' },
    h('option', { value: '' }, 'All sources'),
    ...sources.rows.map((s) => h('option', { value: s.source, selected: s.source === source }, s.source)),
  );
  const form = h('form', { class: 'filters', role: 'search' }, search, sourceSelect, matchedSelect, h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(keep)) if (v !== undefined) next.set(k, v);
    if (search.value) next.set('q', search.value);
    if (sourceSelect.value) next.set('source', sourceSelect.value);
    if (matchedSelect.value) next.set('matched', matchedSelect.value);
    withQuery(next);
  });

  const perSource = h(
    'table',
    { 'data-table': 'sources' },
    h('thead', {}, h('tr', {}, ...['Source', 'Indicators', 'Matched', 'Victims matched'].map((x, i) => h('th', { scope: 'col', class: i ? 'num' : undefined }, x)))),
    h('tbody', {}, ...sources.rows.map((s) => h('tr', {}, h('td', {}, s.source), h('td', { class: 'num' }, fmtInt(s.indicators)), h('td', { class: 'num' }, fmtInt(s.matched)), h('td', { class: 'num' }, fmtInt(s.victims))))),
  );

  const table = dataTable<IndicatorRow>({
    name: 'indicators',
    path: 'indicators',
    query: { ...rangeParams(range), q: q || undefined, source: source || undefined, matched: matched || undefined },
    sort: 'victims',
    columns: [
      { label: 'Indicator', sort: 'value', cell: (i) => h('code', {}, i.value) },
      { label: 'Type', sort: 'type', cell: (i) => i.type },
      { label: 'Source', sort: 'source', cell: (i) => i.source },
      { label: 'Family', sort: 'family', cell: (i) => i.family ?? '' },
      { label: 'Tags', cell: (i) => i.tags.join(', ') },
      { label: 'Valid from', sort: 'first_seen', cell: (i) => fmtTime(i.firstSeen) },
      { label: 'Valid to', sort: 'last_seen', cell: (i) => fmtTime(i.lastSeen) },
      { label: 'Warninglists', cell: (i) => i.warnings.join('; ') },
      { label: 'Victims', sort: 'victims', numeric: true, cell: (i) => (i.victims ? link(['victims'], { ...keep, indicator: i.value }, fmtInt(i.victims)) : '0') },
      { label: 'Description', cell: (i) => i.description ?? '' },
    ],
  });
  return h(
    'div',
    { 'data-page': 'indicators' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Indicators'), rangePicker(r.query, withQuery)),
    h('p', { class: 'crumbs' }, `Victims counted in: ${describeRange(range)}. Per source: all time.`),
    section('Per source', perSource),
    section('Search', form, table),
  );
}
