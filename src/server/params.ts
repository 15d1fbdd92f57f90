// Query parameters the endpoints share: time range, paging, sorting (an enum per table, so only
// allow-listed keys pass validation) and CSV export, as JSON schemas and their parsed values.
import { parseTime } from '../core/time.js';
import type { SortDir } from '../store/access.js';
import { badRequest } from './errors.js';

export const RANGE_PROPS = {
  from: { type: 'string', description: 'start of the window: ISO date-time or YYYY-MM-DD (UTC); open when absent' },
  to: { type: 'string', description: 'end of the window: ISO date-time or YYYY-MM-DD (UTC); open when absent' },
} as const;

export const MAX_PAGE = 500;
/** Rows a CSV export carries at most. */
export const MAX_EXPORT = 100_000;

export function listProps<K extends string>(sorts: readonly K[], defaultSort: K, defaultDir: SortDir = 'desc') {
  return {
    sort: { type: 'string', enum: [...sorts], default: defaultSort, description: 'column to sort by' },
    dir: { type: 'string', enum: ['asc', 'desc'], default: defaultDir },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 50 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    format: { type: 'string', enum: ['json', 'csv'], default: 'json', description: 'csv: every matching row (up to 100,000) as a CSV download' },
  } as const;
}

export function querySchema(props: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', properties: props, required, additionalProperties: false } as const;
}

export interface ListQuery<K extends string> {
  sort: K;
  dir: SortDir;
  limit: number;
  offset: number;
  format: 'json' | 'csv';
}

/** Page bounds: the requested page, or for a CSV export every row up to the export cap. */
export function pageOf<K extends string>(q: ListQuery<K>): { sort: K; dir: SortDir; limit: number; offset: number } {
  return q.format === 'csv' ? { sort: q.sort, dir: q.dir, limit: MAX_EXPORT, offset: 0 } : { sort: q.sort, dir: q.dir, limit: q.limit, offset: q.offset };
}

function timeParam(v: string | undefined, name: string, endOfDay: boolean): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = parseTime(v);
  if (t === null) throw badRequest(`${name} must be an ISO date-time or YYYY-MM-DD, not ${JSON.stringify(v)}`);
  // A bare day as the end of a range means the whole of that day.
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? t + 86_400_000 - 1 : t;
}

export function rangeOf(q: { from?: string; to?: string }): { from?: number; to?: number } {
  const from = timeParam(q.from, 'from', false);
  const to = timeParam(q.to, 'to', true);
  if (from !== undefined && to !== undefined && from > to) throw badRequest('from is after to');
  return { from, to };
}

/** Sorts and cuts rows already in memory (census rows), by an allow-listed key. */
export function sortRows<T, K extends string>(rows: T[], keyOf: Record<K, (r: T) => string | number | undefined>, q: ListQuery<K>) {
  const get = keyOf[q.sort];
  const sign = q.dir === 'asc' ? 1 : -1;
  const sorted = [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === y) return 0;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return (x < y ? -1 : 1) * sign;
  });
  const p = pageOf(q);
  return { rows: sorted.slice(p.offset, p.offset + p.limit), total: rows.length };
}
