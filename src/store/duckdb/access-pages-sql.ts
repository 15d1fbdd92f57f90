// The API's paged listings of victims and indicators, filtered, sorted by an allow-listed
// key and cut to one page, with the total. ORDER BY expressions come from the constant maps below,
// never from the request; every value is a bound parameter.
import type { IndicatorPageQuery, IndicatorSort, Page, SortDir, VictimPageQuery, VictimSort } from '../access.js';
import type { IndicatorRow, VictimRow } from '../store.js';
import type { Db } from './connection.js';
import { indicatorRow } from '../../core/model/indicator-row.js';
import { loadConstituency } from './victim-sql.js';
import { victimRow } from './victims-sql.js';
import { ensureDerived, windowLists, windowRef, windowSource, windowVictims } from './window-sql.js';

const DIR: Record<SortDir, string> = { asc: 'ASC', desc: 'DESC' };

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
  value: 'value',
  type: 'type',
  source: 'source',
  family: 'family',
  first_seen: 'first_seen',
  last_seen: 'last_seen',
  victims: 'victims',
};

/** "expr DIR NULLS LAST, tiebreak": both parts from the constant maps, the key checked against them. */
function orderBy<K extends string>(map: Record<K, string>, key: K, dir: SortDir, tiebreak: string): string {
  const expr = Object.hasOwn(map, key) ? map[key] : undefined;
  const d = Object.hasOwn(DIR, dir) ? DIR[dir] : undefined;
  if (!expr || !d) throw new Error(`unknown sort ${String(key)} ${String(dir)}`);
  return `${expr} ${d} NULLS LAST, ${tiebreak}`;
}

const total = (rows: { total_rows?: unknown }[]) => Number(rows[0]?.total_rows ?? 0);

export async function victimPage(db: Db, q: VictimPageQuery): Promise<Page<VictimRow>> {
  return db.windowed(async () => {
    const window = await windowLists(db, q);
    await loadConstituency(db, undefined);
    const order = orderBy(VICTIM_ORDER, q.sort, q.dir, 'v.victim');
    const page = windowVictims(window.table, { owner: q.owner });
    const counting = windowVictims(window.table, { owner: q.owner }, 'w.victim, w.country, w.asn, w.as_org');
    const lists = window.lists;
    const params = { ...page.params, country: q.country?.toUpperCase() ?? null, asn: q.asn ?? null, org: q.org ?? null, indicator: q.indicator ?? null };
    const where = `($country IS NULL OR v.country = $country) AND ($asn IS NULL OR v.asn = $asn)
      AND ($org IS NULL OR coalesce(v.as_org, 'Unknown') = $org)
      AND ($indicator IS NULL OR v.victim IN (SELECT victim FROM ${lists} WHERE list_contains(indicators, $indicator))) AND v.inside`;
    // The page by a top-N over the window table, the total by a count: no window function that
    // would carry every row's lists to the sort.
    const rows = await db.all<Record<string, unknown>>(
      `WITH ${page.cte}, paged AS (SELECT * FROM v WHERE ${where} ORDER BY ${order} LIMIT $limit OFFSET $offset)
       SELECT v.*, l.* EXCLUDE (victim) FROM paged v JOIN ${lists} l USING (victim) ORDER BY ${order}`,
      { ...params, limit: q.limit, offset: q.offset },
    );
    const count = await db.one<{ n: bigint }>(`WITH ${counting.cte} SELECT count(*) AS n FROM v WHERE ${where}`, params);
    const n = Number(count!.n);
    return { rows: rows.map(victimRow), total: n };
  });
}

const DERIVED_VICTIMS_PER_INDICATOR = `SELECT indicator_id AS id, victims FROM derived_indicator_victims`;
/** Over the CTE `src` of windowSource (window-sql.ts): the window's sightings. */
const WINDOW_VICTIMS_PER_INDICATOR = `m AS (SELECT indicator_id AS id, count(DISTINCT victim) AS victims FROM src WHERE indicator_id IS NOT NULL GROUP BY indicator_id)`;
const VICTIMS_PER_INDICATOR = `SELECT indicator_id AS id, count(DISTINCT victim) AS victims FROM sightings WHERE indicator_id IS NOT NULL GROUP BY indicator_id`;

export async function indicatorPage(db: Db, q: IndicatorPageQuery): Promise<Page<IndicatorRow>> {
  return db.windowed(async () => {
    // Over all time: victims per indicator as derived (window-sql.ts) when current, else counted
    // from the sightings. In a window: from the window's sightings, as the census reads them.
    const bounded = q.from !== undefined || q.to !== undefined;
    const window = bounded ? await windowRef(db, { from: q.from, to: q.to }) : undefined;
    const folded = window ? false : await ensureDerived(db);
    const victims = window ? `${windowSource(window.source)}, ${WINDOW_VICTIMS_PER_INDICATOR}` : `m AS (${folded ? DERIVED_VICTIMS_PER_INDICATOR : VICTIMS_PER_INDICATOR})`;
    const order = orderBy(INDICATOR_ORDER, q.sort, q.dir, 'id');
    const rows = await db.all<Record<string, unknown>>(
      `WITH ${victims},
       f AS (
         SELECT i.*, coalesce(m.victims, 0) AS victims FROM indicators i LEFT JOIN m USING (id)
         WHERE ($type IS NULL OR i.type = $type) AND ($source IS NULL OR i.source = $source)
           AND ($matched IS NULL OR (coalesce(m.victims, 0) > 0) = $matched)
           AND ($q IS NULL OR contains(lower(i.value), $q) OR contains(lower(coalesce(i.family, '')), $q)
                OR contains(lower(coalesce(i.description, '')), $q) OR list_contains(list_transform(i.tags, x -> lower(x)), $q))),
       page AS (SELECT *, count(*) OVER () AS total_rows FROM f ORDER BY ${order} LIMIT $limit OFFSET $offset),
       w AS (
         SELECT p.id, list(DISTINCT w.list) AS lists FROM page p
         JOIN warnings w ON (w.kind = 'cidr' AND p.lo >= w.lo AND p.hi <= w.hi)
                         OR (w.kind = 'domain' AND list_contains(domain_suffixes(p.domain), w.domain))
         GROUP BY p.id)
       SELECT page.*, coalesce(w.lists, []) AS warnings FROM page LEFT JOIN w USING (id) ORDER BY ${order}`,
      {
        ...(window?.params ?? {}),
        type: q.type ?? null,
        source: q.source ?? null,
        matched: q.matched ?? null,
        q: q.q ? q.q.toLowerCase() : null,
        limit: q.limit,
        offset: q.offset,
      },
    );
    const n = rows.length ? total(rows) : q.offset > 0 ? (await indicatorPage(db, { ...q, offset: 0, limit: 1 })).total : 0;
    return { rows: rows.map((r) => indicatorRow(r, (r.warnings as string[] | null) ?? [], Number(r.victims ?? 0))), total: n };
  });
}
