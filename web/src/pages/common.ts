// Pieces several pages use: the resolved range (needs the latest sighting time), chart panels,
// and headline cards.
import { api } from '../api.js';
import { errorBox, fmtInt, h } from '../dom.js';
import { rangeOf, type RangeState } from '../range.js';
import { chartFromSvg } from '../svg.js';

export interface Overview {
  at: string | null;
  owner: string | null;
  headline: { active: number; window: number; cumulative: number };
  range: { from: string | null; to: string | null; total: number; unit: string; addresses: number; countries: number; excluded: { warninglisted: number } };
}

let latestAt: Promise<string | null> | null = null;

/** The latest sighting time (ISO), asked once per page load. */
export function latestSighting(): Promise<string | null> {
  latestAt ??= api.get<Overview>('overview').then((o) => o.at);
  return latestAt;
}

export async function currentRange(query: URLSearchParams): Promise<RangeState> {
  return rangeOf(query, await latestSighting());
}

export const rangeParams = (r: RangeState) => ({ from: r.from, to: r.to });

/** A panel whose body is a chart from the API, loaded after the page is drawn. */
export function chartPanel(title: string, path: string, r: RangeState, name: string, decorate?: (svg: Element, data: unknown) => void): HTMLElement {
  const body = h('div', { class: 'chart', 'data-chart': name }, h('p', { class: 'loading' }, 'Loading…'));
  void api
    .get<{ svg: string }>(path, rangeParams(r))
    .then((data) => {
      const svg = chartFromSvg(data.svg);
      body.replaceChildren(svg);
      decorate?.(svg, data);
      body.setAttribute('data-loaded', 'true');
    })
    .catch((err: Error) => body.replaceChildren(errorBox(err.message)));
  return h('section', { class: 'panel' }, h('h2', {}, title), body);
}

export function card(label: string, value: number, note: string, name: string): HTMLElement {
  return h('div', { class: 'card', 'data-headline': name }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, fmtInt(value)), h('div', { class: 'note' }, note));
}
