// A table backed by a list endpoint: the server sorts (allow-listed keys), pages and exports it as
// CSV; this only asks for a page and draws it with text nodes.
import { api, apiUrl, type Query } from './api.js';
import { clear, errorBox, fmtInt, h, type Child } from './dom.js';

export interface Column<T> {
  label: string;
  /** The server's sort key for this column; not sortable without one. */
  sort?: string;
  numeric?: boolean;
  cell: (row: T) => Child;
}

export interface TableOptions<T> {
  /** Endpoint under /api/, e.g. "victims". */
  path: string;
  query: Query;
  columns: Column<T>[];
  sort: string;
  dir?: 'asc' | 'desc';
  pageSize?: number;
  /** Name for the test hooks and the caption. */
  name: string;
  caption?: string;
}

interface PageAnswer<T> {
  rows: T[];
  total: number;
}

/** The table's element; reload() asks the server again for the page shown (after the data changed). */
export type DataTable = HTMLElement & { reload(): Promise<void> };

export function dataTable<T>(o: TableOptions<T>): DataTable {
  const state = { sort: o.sort, dir: o.dir ?? 'desc', offset: 0, limit: o.pageSize ?? 25 };
  const root = h('div', { class: 'table-wrap', 'data-table': o.name });

  async function load(): Promise<void> {
    const query = { ...o.query, sort: state.sort, dir: state.dir, limit: state.limit, offset: state.offset };
    let page: PageAnswer<T>;
    try {
      page = await api.get<PageAnswer<T>>(o.path, query);
    } catch (err) {
      clear(root);
      root.appendChild(errorBox((err as Error).message));
      return;
    }
    clear(root);
    root.appendChild(render(page));
    root.setAttribute('data-loaded', 'true');
  }

  function header(c: Column<T>): HTMLElement {
    if (!c.sort) return h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label);
    const active = state.sort === c.sort;
    const button = h(
      'button',
      {
        type: 'button',
        class: 'sort' + (active ? ' active' : ''),
        'data-sort': c.sort,
        onclick: () => {
          state.dir = active && state.dir === 'desc' ? 'asc' : active ? 'desc' : c.numeric ? 'desc' : 'asc';
          state.sort = c.sort!;
          state.offset = 0;
          void load();
        },
      },
      c.label,
      active ? (state.dir === 'asc' ? ' ▲' : ' ▼') : '',
    );
    return h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': active ? (state.dir === 'asc' ? 'ascending' : 'descending') : undefined }, button);
  }

  function render(page: PageAnswer<T>): HTMLElement {
    const first = page.total ? state.offset + 1 : 0;
    const last = state.offset + page.rows.length;
    const csv = apiUrl(o.path, { ...o.query, sort: state.sort, dir: state.dir, format: 'csv' });
    const pager = h(
      'div',
      { class: 'pager' },
      h('button', { type: 'button', 'data-page': 'prev', disabled: state.offset === 0, onclick: () => ((state.offset = Math.max(0, state.offset - state.limit)), void load()) }, '‹ Previous'),
      h('span', { class: 'range' }, `${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(page.total)}`),
      h('button', { type: 'button', 'data-page': 'next', disabled: last >= page.total, onclick: () => ((state.offset += state.limit), void load()) }, 'Next ›'),
      h('a', { class: 'export', href: csv, download: '', 'data-export': o.name }, 'Export CSV'),
    );
    const body = page.rows.length
      ? page.rows.map((r) => h('tr', {}, ...o.columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.cell(r)))))
      : [h('tr', {}, h('td', { colspan: o.columns.length, class: 'empty' }, 'Nothing in this range.'))];
    return h(
      'div',
      {},
      h('table', {}, o.caption ? h('caption', {}, o.caption) : null, h('thead', {}, h('tr', {}, ...o.columns.map(header))), h('tbody', {}, ...body)),
      pager,
    );
  }

  root.appendChild(h('p', { class: 'loading' }, 'Loading…'));
  void load();
  return Object.assign(root, { reload: () => (root.removeAttribute('data-loaded'), load()) });
}
