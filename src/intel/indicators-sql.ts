// The stored indicators as the intel commands list them, written once over the driver: each with
// the warninglists it is on and the distinct victims it matched.
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import type { IndicatorFilter, IndicatorRow } from '../store/store.js';
import { INDICATOR_COLUMNS, indicatorRow } from '../core/model/indicator-row.js';

/** The indicators of the filter, by id, with their warninglists and victims. */
export async function listIndicators(d: Driver, f: IndicatorFilter): Promise<IndicatorRow[]> {
  const vis = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const filter = sql`${vis('i')}${f.type === undefined ? sql.empty : sql` AND i.type = ${f.type}`}${f.source === undefined ? sql.empty : sql` AND i.source = ${f.source}`}`;
  const page = await d.all(
    sql`SELECT ${sql.join(INDICATOR_COLUMNS.map((c) => sql`i.${sql.ident(c)}`))} FROM indicators i WHERE ${filter} ORDER BY i.id LIMIT ${f.limit ?? 1_000_000}`,
  );
  if (!page.length) return [];
  // The page is the filter's indicators up to its last id.
  const lastId = Number(page[page.length - 1]!.id);
  const lists = await warninglistsOf(d, sql`${filter} AND i.id <= ${lastId}`);
  // Victims of every indicator up to the page's last (a subquery of indicators here would be a
  // second distributed read inside one on a ClickHouse cluster).
  const victims = new Map(
    (
      await d.all<{ id: unknown; n: unknown }>(
        sql`SELECT s.indicator_id AS id, count(DISTINCT s.victim) AS n FROM sightings s
            WHERE s.indicator_id <= ${lastId} AND ${vis('s')}
            GROUP BY s.indicator_id`,
      )
    ).map((r) => [Number(r.id), Number(r.n)]),
  );
  return page.map((r) => indicatorRow(r, [...(lists.get(Number(r.id)) ?? [])].sort(), victims.get(Number(r.id)) ?? 0));
}

/**
 * The warninglists each indicator of `where` (on alias i) is on: a listed block holding its whole
 * range, or a listed domain its domain is or lies under. Blocks are met by equal keys: an
 * indicator's range lies in a block of prefix p exactly when both its ends start that network.
 */
async function warninglistsOf(d: Driver, where: Sql): Promise<Map<number, Set<string>>> {
  const vis = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const out = new Map<number, Set<string>>();
  const add = (rows: { id: unknown; list: string }[]) => {
    for (const r of rows) {
      const set = out.get(Number(r.id)) ?? new Set<string>();
      set.add(r.list);
      out.set(Number(r.id), set);
    }
  };
  const prefixes = (
    await d.all<{ p: unknown }>(sql`SELECT DISTINCT w.prefix AS p FROM warnings w WHERE w.kind = 'cidr' AND w.prefix IS NOT NULL AND ${vis('w')} ORDER BY p`)
  )
    .map((r) => Number(r.p))
    .filter((p) => Number.isInteger(p) && p >= 1 && p <= 128);
  if (prefixes.length) {
    const keyed = sql.join(
      prefixes.map((p) => {
        const len = sql.raw(String(p));
        return sql`SELECT i.id AS id, ${len} AS pfx, ${d.dialect.networkStart(sql`i.lo`, len)} AS k, ${d.dialect.networkStart(sql`i.hi`, len)} AS k2
                   FROM indicators i WHERE ${where} AND i.lo IS NOT NULL AND i.hi IS NOT NULL`;
      }),
      sql` UNION ALL `,
    );
    add(
      await d.all(
        sql`SELECT DISTINCT x.id AS id, w.list AS list FROM (${keyed}) x JOIN warnings w ON w.prefix = x.pfx AND w.lo = x.k
            WHERE x.k2 = x.k AND w.kind = 'cidr' AND ${vis('w')}`,
      ),
    );
  }
  // The suffixes of a name that is there (ClickHouse makes no list of a Nullable text).
  add(
    await d.all(
      sql`SELECT DISTINCT x.id AS id, w.list AS list
          FROM (SELECT i.id AS id, ${d.dialect.unnest(d.dialect.domainSuffixes(sql`coalesce(i.domain, '')`))} AS sfx
                FROM indicators i WHERE ${where} AND i.domain IS NOT NULL) x
          JOIN warnings w ON w.domain = x.sfx
          WHERE w.kind = 'domain' AND ${vis('w')}`,
    ),
  );
  return out;
}
