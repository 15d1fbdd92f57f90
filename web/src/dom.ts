// DOM building without HTML strings: elements from tag, attributes and children, where every
// string child becomes a text node. Data from the server never passes through innerHTML.
export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | undefined | null | ((ev: Event) => void)>;

/** Attributes that could carry script or navigate somewhere: only our own values go in them. */
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction']);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k.startsWith('on')) throw new Error(`event handler attributes are not used: ${k}`);
    else if (URL_ATTRS.has(k) && !/^(#|\/|\?)/.test(String(v))) throw new Error(`only same-origin links: ${String(v)}`);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export const fmtInt = (n: number | undefined | null): string => (n === undefined || n === null ? '' : Math.round(n).toLocaleString('en-US'));
export const fmtShare = (s: number): string => `${(s * 100).toFixed(1)}%`;

/** "2024-06-10 10:00 UTC" from an ISO string; empty for none. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** A hash link inside the app; the path parts are URI-encoded, so data cannot change the route. */
export function link(parts: (string | number)[], query: Record<string, string | number | undefined>, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href: route(parts, query) }, ...children);
}

export function route(parts: (string | number)[], query: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return '#/' + parts.map((p) => encodeURIComponent(String(p))).join('/') + (qs ? '?' + qs : '');
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

export function errorBox(message: string): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, message);
}
