// The API's paged listings of victims and indicators over the census's windows, written once over
// the driver: filtered, sorted by an allow-listed key and cut to one page, with the total. ORDER BY
// expressions come from the constant maps below, never from the request; every value is bound.
import { indicatorRow } from '../../core/model/indicator-row.js';
import { windowsOf, type CensusSource } from '../../census/count.js';
import { joined, scopedVictims } from '../../census/scope.js';
import { PAGE_COLUMNS, withLists } from '../../census/victims.js';
import type { Page, PageQuery } from '../../store/access.js';
import type { Driver } from '../../store/driver.js';
import { sql, type Sql } from '../../store/sql.js';
import type { IndicatorRow, VictimRow } from '../../store/store.js';
import { victimRow } from '../../store/victim-windows.js';
import { orderBy } from './pages-sql.js';

export const VICTIM_SORTS = ['ip', 'country', 'asn', 'org', 'grade', 'first_seen', 'last_seen', 'events'] as const;
export type VictimSort = (typeof VICTIM_SORTS)[number];

export interface VictimPageQuery extends PageQuery<VictimSort> {
  country?: string;
  asn?: number;
  /** The AS organisation, as the census by organisation names it ("Unknown" for none). */
  org?: string;
  /** Only victims that matched this indicator value (or report type, 'report:TYPE') in the window. */
  indicator?: string;
  /** Only victims whose most specific owner is this one. */
  owner?: string;
  from?: number;
  to?: number;
}

export const INDICATOR_SORTS = ['value', 'type', 'source', 'family', 'first_seen', 'last_seen', 'victims'] as const;
export type IndicatorSort = (typeof INDICATOR_SORTS)[number];

export interface IndicatorPageQuery extends PageQuery<IndicatorSort> {
  /** Case-insensitive text searched in value, family and description, and equal to a tag. */
  q?: string;
  source?: string;
  type?: string;
  /** true: only indicators that matched at least one victim; false: only those that did not. */
  matched?: boolean;
  /** Victims counted (and `matched` judged) in this window; all time when both are absent. */
  from?: number;
  to?: number;
}

const VICTIM_ORDER: Record<VictimSort, string> = {
  ip: 'v.victim',
  country: 'v.country',
  asn: 'v.asn',
  org: 'v.as_org',
  grade: 'v.grade',
  first_seen: 'v.first_seen',
  last_seen: 'v.last_seen',
  events: 'v.events',
};

const INDICATOR_ORDER: Record<IndicatorSort, string> = {
  value: 'f.value',
  type: 'f.type',
  source: 'f.source',
  family: 'f.family',
  first_seen: 'f.first_seen',
  last_seen: 'f.last_seen',
  victims: 'f.victims',
};

const visible = (d: Driver, alias: string): Sql => d.dialect.visibleRows(sql.ident(alias));
const count = (r: { n?: unknown } | undefined): number => Number(r?.n ?? 0);

/** The victims of a window's page: the page chosen over the window's victims, then only its victims' lists gathered. */
export async function victimPage(store: CensusSource, q: VictimPageQuery): Promise<Page<VictimRow>> {
  const d = store.driver;
  const order = orderBy(VICTIM_ORDER, q.sort, q.dir, 'v.victim');
  return windowsOf(store).read({ from: q.from, to: q.to }, async (w) => {
    const where: Sql[] = [];
    if (q.country !== undefined) where.push(sql`v.country = ${q.country.toUpperCase()}`);
    if (q.asn !== undefined) where.push(sql`v.asn = ${q.asn}`);
    if (q.org !== undefined) where.push(sql`coalesce(v.as_org, 'Unknown') = ${q.org}`);
    if (q.indicator !== undefined)
      where.push(sql`v.victim IN (
        SELECT e.victim FROM ${w.evidence} e
        LEFT JOIN (SELECT x.id AS id, x.value AS value, 1 AS found FROM indicators x WHERE ${visible(d, 'x')}) i ON i.id = e.indicator_id
        WHERE coalesce(${joined('i', 'value')}, 'report:' || e.rkey) = ${q.indicator})`);
    const scoped = scopedVictims(w.victims, { owner: q.owner }, () => sql.raw('1'));
    const filter = where.length ? sql` WHERE ${sql.join(where, sql` AND `)}` : sql.empty;
    const page = sql`(SELECT ${PAGE_COLUMNS} FROM ${scoped} v${filter} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset})`;
    const rows = await d.all<Record<string, unknown>>(withLists(d.dialect, page, w.evidence, order));
    const total = await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM ${scoped} v${filter}`);
    return { rows: rows.map(victimRow), total: count(total) };
  });
}

/**
 * The indicators that pass the query's filters, each with `victims`: the distinct victims it
 * matched in the window (`evidence`). Without evidence, only the ids of those that pass the
 * filters other than `matched` (their count needs no victims counted).
 */
function filteredIndicators(d: Driver, q: IndicatorPageQuery, evidence: Sql | undefined): Sql {
  const where: Sql[] = [visible(d, 'i')];
  if (q.type !== undefined) where.push(sql`i.type = ${q.type}`);
  if (q.source !== undefined) where.push(sql`i.source = ${q.source}`);
  if (q.q) {
    const text = q.q.toLowerCase();
    const has = (x: Sql) => d.dialect.contains(sql`lower(${x})`, sql`${text}`);
    const tagged = sql`(SELECT t.id AS id, ${d.dialect.unnest(sql`t.tags`)} AS tag FROM indicators t WHERE ${visible(d, 't')})`;
    where.push(sql`(${has(sql`i.value`)} OR ${has(sql`coalesce(i.family, '')`)} OR ${has(sql`coalesce(i.description, '')`)}
                    OR i.id IN (SELECT g.id FROM ${tagged} g WHERE lower(g.tag) = ${text}))`);
  }
  if (evidence === undefined) return sql`(SELECT i.id AS id FROM indicators i WHERE ${sql.join(where, sql` AND `)})`;
  const perIndicator = sql`(SELECT e.indicator_id AS id, count(DISTINCT e.victim) AS matched_victims, 1 AS found
                            FROM ${evidence} e WHERE e.indicator_id IS NOT NULL GROUP BY e.indicator_id)`;
  const rows = sql`(SELECT i.*, coalesce(${joined('m', 'matched_victims')}, 0) AS victims
                    FROM indicators i LEFT JOIN ${perIndicator} m ON m.id = i.id WHERE ${sql.join(where, sql` AND `)})`;
  return q.matched === undefined ? rows : sql`(SELECT * FROM ${rows} r WHERE r.victims ${sql.raw(q.matched ? '>' : '=')} 0)`;
}

/**
 * The warninglists of indicators `ids`: an address indicator's when its block lies inside a listed
 * block, a domain's when the name or a parent is listed. Per id, the lists sorted.
 */
async function warningsOf(d: Driver, ids: readonly bigint[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const mine = sql`i.id IN ${sql.list([...ids])} AND ${visible(d, 'i')}`;
  // A listed block holds the indicator's block when it is no longer and their networks at its length are one.
  const byBlock = sql`SELECT x.id AS id, w.list AS list
    FROM (SELECT i.id AS id, p.plen AS plen, ${d.dialect.netKey(sql`i.lo`, sql`p.plen`)} AS k
          FROM indicators i CROSS JOIN (SELECT DISTINCT coalesce(w0.prefix, 0) AS plen FROM warnings w0 WHERE w0.kind = 'cidr' AND ${visible(d, 'w0')}) p
          WHERE ${mine} AND i.lo IS NOT NULL AND coalesce(i.prefix, 128) >= p.plen) x
    JOIN (SELECT w1.list AS list, coalesce(w1.prefix, 0) AS plen, ${d.dialect.netKey(sql`w1.lo`, sql`coalesce(w1.prefix, 0)`)} AS k
          FROM warnings w1 WHERE w1.kind = 'cidr' AND ${visible(d, 'w1')}) w ON w.plen = x.plen AND w.k = x.k`;
  const byDomain = sql`SELECT x.id AS id, w.list AS list
    FROM (SELECT i.id AS id, ${d.dialect.unnest(d.dialect.domainSuffixes(sql`i.domain`))} AS suffix FROM indicators i WHERE ${mine} AND i.domain IS NOT NULL) x
    JOIN (SELECT w1.list AS list, w1.domain AS domain FROM warnings w1 WHERE w1.kind = 'domain' AND ${visible(d, 'w1')}) w ON w.domain = x.suffix`;
  const rows = await d.all<{ id: bigint | number; list: string }>(sql`SELECT DISTINCT r.id AS id, r.list AS list FROM (${byBlock} UNION ALL ${byDomain}) r ORDER BY id, list`);
  for (const r of rows) {
    const key = String(r.id);
    out.set(key, [...(out.get(key) ?? []), r.list]);
  }
  return out;
}

/** Indicators with the victims each matched in the window (all time without one), and their warninglists. */
export async function indicatorPage(store: CensusSource, q: IndicatorPageQuery): Promise<Page<IndicatorRow>> {
  const d = store.driver;
  const order = orderBy(INDICATOR_ORDER, q.sort, q.dir, 'f.id');
  return windowsOf(store).read({ from: q.from, to: q.to }, async (w) => {
    const f = filteredIndicators(d, q, w.evidence);
    const rows = await d.all<Record<string, unknown>>(sql`SELECT * FROM ${f} f ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`);
    const total = await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM ${filteredIndicators(d, q, q.matched === undefined ? undefined : w.evidence)} f`);
    const warnings = await warningsOf(d, rows.map((r) => BigInt(r.id as bigint | number)));
    return { rows: rows.map((r) => indicatorRow(r, warnings.get(String(r.id)) ?? [], Number(r.victims ?? 0))), total: count(total) };
  });
}
