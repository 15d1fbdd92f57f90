// The API's paged listings of imports and the per-source indicator counts, written once over the
// driver contract: filtered, sorted by an allow-listed key and cut to one page, with the total.
// ORDER BY expressions come from the constant maps below, never from the request.
import type { Driver } from '../../store/driver.js';
import { importRow } from '../../store/imports.js';
import { sql, type Sql } from '../../store/sql.js';
import type { ImportRow } from '../../store/store.js';
import type { Page, SortDir } from '../../store/access.js';

export const IMPORT_SORTS = ['id', 'imported_at', 'kind', 'format', 'file', 'records', 'rejected'] as const;
export type ImportSort = (typeof IMPORT_SORTS)[number];

export interface ImportPageQuery {
  sort: ImportSort;
  dir: SortDir;
  limit: number;
  offset: number;
  kind?: string;
}

/** Per intel source: indicators, how many matched, and distinct victims they matched. */
export interface SourceCount {
  source: string;
  indicators: number;
  matched: number;
  victims: number;
}

const DIR: Record<SortDir, string> = { asc: 'ASC', desc: 'DESC' };

const IMPORT_ORDER: Record<ImportSort, string> = {
  id: 'i.id',
  imported_at: 'i.imported_at',
  kind: 'i.kind',
  format: 'i.format',
  file: 'i.file',
  records: 'i.records',
  rejected: 'i.rejected',
};

/** "expr DIR NULLS LAST, tiebreak": both parts from the constant maps, the key checked against them. */
export function orderBy<K extends string>(map: Record<K, string>, key: K, dir: SortDir, tiebreak: string): Sql {
  const expr = Object.hasOwn(map, key) ? map[key] : undefined;
  const d = Object.hasOwn(DIR, dir) ? DIR[dir] : undefined;
  if (!expr || !d) throw new Error(`unknown sort ${String(key)} ${String(dir)}`);
  return sql.raw(`${expr} ${d} NULLS LAST, ${tiebreak}`);
}

export async function importPage(d: Driver, q: ImportPageQuery): Promise<Page<ImportRow>> {
  const order = orderBy(IMPORT_ORDER, q.sort, q.dir, 'i.id');
  const where = sql`${d.dialect.visibleRows(sql.ident('i'))} ${q.kind === undefined ? sql.empty : sql`AND i.kind = ${q.kind}`}`;
  const rows = await d.all(sql`SELECT * FROM imports i WHERE ${where} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`);
  const total = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM imports i WHERE ${where}`);
  return { rows: rows.map(importRow), total: Number(total?.n ?? 0) };
}

export async function importById(d: Driver, id: number): Promise<ImportRow | undefined> {
  const r = await d.one(sql`SELECT * FROM imports i WHERE i.id = ${id} AND ${d.dialect.visibleRows(sql.ident('i'))}`);
  return r && importRow(r);
}

/**
 * Per source, most indicators first: its indicators, those that matched, and the distinct victims
 * they matched (counted over the matched pairs only, then joined to the sources by name).
 */
export async function indicatorSources(d: Driver): Promise<SourceCount[]> {
  const visible = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const rows = await d.all<{ source: string; indicators: bigint; matched: bigint | null; victims: bigint | null }>(
    sql`SELECT a.source AS source, a.indicators AS indicators, coalesce(b.matched, 0) AS matched, coalesce(b.victims, 0) AS victims
        FROM (SELECT i.source AS source, count(*) AS indicators FROM indicators i WHERE ${visible('i')} GROUP BY i.source) a
        LEFT JOIN (
          SELECT i.source AS source, count(DISTINCT i.id) AS matched, count(DISTINCT m.victim) AS victims
          FROM indicators i
          JOIN (SELECT DISTINCT s.indicator_id AS id, s.victim AS victim FROM sightings s WHERE s.indicator_id IS NOT NULL AND ${visible('s')}) m ON m.id = i.id
          WHERE ${visible('i')}
          GROUP BY i.source
        ) b ON b.source = a.source
        ORDER BY indicators DESC, source`,
  );
  return rows.map((r) => ({ source: r.source, indicators: Number(r.indicators), matched: Number(r.matched), victims: Number(r.victims) }));
}
