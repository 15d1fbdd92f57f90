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
const DEFAULT_PRESET = 'active';

export interface RangeState {
  preset: string;
  /** ISO times for the API; absent = open. */
  from?: string;
  to?: string;
}

/** The preset the URL names; a missing or unknown one is the default, for the data and the picker alike. */
export function presetOf(query: URLSearchParams): string {
  const p = query.get('range');
  return p !== null && Object.hasOwn(PRESETS, p) ? p : DEFAULT_PRESET;
}

/** Why a custom range cannot be shown (its first day after its last), or undefined. */
export function rangeProblem(query: URLSearchParams): string | undefined {
  if (presetOf(query) !== 'custom') return undefined;
  return customProblem(query.get('from') ?? '', query.get('to') ?? '');
}

function customProblem(from: string, to: string): string | undefined {
  // Both are YYYY-MM-DD days: their text order is their time order.
  return from && to && from > to ? `The first day (${from}) is after the last (${to}): swap them.` : undefined;
}

/** A range the pages cannot answer: main.ts keeps the page's head and picker and shows why. */
export class RangeProblem extends Error {}

/** The range named by the URL query, resolved against the latest sighting `at` (ISO). */
export function rangeOf(query: URLSearchParams, at: string | null): RangeState {
  const preset = presetOf(query);
  const problem = rangeProblem(query);
  if (problem) throw new RangeProblem(problem);
  if (preset === 'custom') return { preset, from: query.get('from') || undefined, to: query.get('to') || undefined };
  const hours = HOURS[preset];
  if (!hours || !at) return { preset };
  return { preset, from: new Date(Date.parse(at) - hours * 3_600_000).toISOString(), to: at };
}

/** The part of a URL query that names the range, to carry it over to linked pages (absent parts left out). */
export function rangeLinkQuery(query: URLSearchParams): Record<string, string | undefined> {
  return { range: query.get('range') ?? undefined, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined };
}

export function describeRange(r: RangeState): string {
  if (r.preset === 'custom') return `${r.from ?? 'start'} to ${r.to ?? 'now'}`;
  return PRESETS[r.preset] ?? PRESETS[DEFAULT_PRESET]!;
}

/**
 * The picker: a preset select and, for custom, two day fields; applying rewrites the URL query.
 * A custom range whose first day is after its last is not applied: the problem shows beside it.
 */
export function rangePicker(query: URLSearchParams, onApply: (q: URLSearchParams) => void): HTMLElement {
  const current = presetOf(query);
  const select = h('select', { name: 'range', 'aria-label': 'Time range' }, ...Object.entries(PRESETS).map(([v, label]) => h('option', { value: v, selected: v === current }, label)));
  const from = h('input', { type: 'date', name: 'from', 'aria-label': 'From day', value: query.get('from') ?? '' });
  const to = h('input', { type: 'date', name: 'to', 'aria-label': 'To day', value: query.get('to') ?? '' });
  const custom = h('span', { class: 'custom', hidden: current !== 'custom' }, from, ' to ', to);
  const problem = h('span', { class: 'range-problem', role: 'alert', 'data-range-problem': '' });
  const showProblem = (text: string | undefined) => {
    problem.textContent = text ?? '';
    problem.hidden = !text;
  };
  showProblem(rangeProblem(query));
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
      const bad = customProblem(from.value, to.value);
      showProblem(bad);
      if (bad) return;
      if (from.value) q.set('from', from.value);
      if (to.value) q.set('to', to.value);
    }
    onApply(q);
  }
  const form = h('form', { class: 'range-picker', 'data-range': current }, h('label', {}, 'Range ', select), custom, h('button', { type: 'submit', hidden: current !== 'custom' }, 'Apply'), problem);
  select.addEventListener('change', () => ((form.querySelector('button') as HTMLButtonElement).hidden = select.value !== 'custom'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  return form;
}
