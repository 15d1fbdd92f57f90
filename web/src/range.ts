// The time range every page shares, kept in the URL (range=active|7d|30d|all, or from/to days):
// presets count back from the latest sighting, as the census does.
import { h } from './dom.js';

export const PRESETS: Record<string, string> = {
  active: 'Last 24 hours (active)',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  all: 'All time',
  custom: 'Custom days',
};
const HOURS: Record<string, number> = { active: 24, '7d': 168, '30d': 720 };

export interface RangeState {
  preset: string;
  /** ISO times for the API; absent = open. */
  from?: string;
  to?: string;
}

/** The range named by the URL query, resolved against the latest sighting `at` (ISO). */
export function rangeOf(query: URLSearchParams, at: string | null): RangeState {
  const preset = query.get('range') ?? 'active';
  if (preset === 'custom') return { preset, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
  const hours = HOURS[preset];
  if (!hours || !at) return { preset: preset in PRESETS ? preset : 'all' };
  return { preset, from: new Date(Date.parse(at) - hours * 3_600_000).toISOString(), to: at };
}

/** The part of a URL query that names the range, to carry it over to linked pages. */
export function rangeLinkQuery(query: URLSearchParams): Record<string, string | undefined> {
  return { range: query.get('range') ?? undefined, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
}

export function describeRange(r: RangeState): string {
  if (r.preset === 'custom') return `${r.from ?? 'start'} to ${r.to ?? 'now'}`;
  return PRESETS[r.preset] ?? 'All time';
}

/** The picker: a preset select and, for custom, two day fields; applying rewrites the URL query. */
export function rangePicker(query: URLSearchParams, onApply: (q: URLSearchParams) => void): HTMLElement {
  const current = query.get('range') ?? 'active';
  const select = h('select', { name: 'range', 'aria-label': 'Time range' }, ...Object.entries(PRESETS).map(([v, label]) => h('option', { value: v, selected: v === current }, label)));
  const from = h('input', { type: 'date', name: 'from', 'aria-label': 'From day', value: query.get('from') ?? '' });
  const to = h('input', { type: 'date', name: 'to', 'aria-label': 'To day', value: query.get('to') ?? '' });
  const custom = h('span', { class: 'custom', hidden: current !== 'custom' }, from, ' to ', to);
  select.addEventListener('change', () => {
    custom.hidden = select.value !== 'custom';
    if (select.value !== 'custom') apply();
  });
  function apply(): void {
    const q = new URLSearchParams(query);
    q.set('range', select.value);
    q.delete('from');
    q.delete('to');
    if (select.value === 'custom') {
      if (from.value) q.set('from', from.value);
      if (to.value) q.set('to', to.value);
    }
    onApply(q);
  }
  const form = h('form', { class: 'range-picker', 'data-range': current }, h('label', {}, 'Range ', select), custom, h('button', { type: 'submit', hidden: current !== 'custom' }, 'Apply'));
  select.addEventListener('change', () => ((form.querySelector('button') as HTMLButtonElement).hidden = select.value !== 'custom'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  return form;
}
