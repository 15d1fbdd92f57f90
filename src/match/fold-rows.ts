// What the victim fold (victim-fold.ts) and the day fold (day-fold.ts) share: the sightings as rows
// of integers a grade is settled from, the grade of a group of them, and writing folded rows in
// place of the stale ones. A victim's (or victim-day's) grade is the best of its (victim,
// indicator) pairs' grades: 3 when a sighting is not a flow, 2 when a flow was answered or the
// pair was seen both ways, else 1 (victim-windows.ts GRADE_RANK). Distinct rows come from GROUP BY:
// ClickHouse 18.16's SELECT DISTINCT has returned a row twice (rows in several parts, IN subqueries).
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';

/**
 * Rows (victim, indicator_id, g, t, f, tf, dev, f0, l0, events) of the visible sightings `where`
 * selects (a condition over the sightings' own column names): `g` the sighting's grade, `t` and
 * `f` its directions (an unknown direction is not seen), `tf` both in one sighting.
 */
export function gradedSightings(where: Sql, extra: Sql = sql.empty): Sql {
  return sql`SELECT s.victim AS victim, s.indicator_id AS indicator_id,
                    CASE WHEN s.kind <> 'flow' THEN 3 WHEN s.answered = 1 THEN 2 ELSE 1 END AS g,
                    CASE WHEN s.to_indicator = 1 THEN 1 ELSE 0 END AS t, CASE WHEN s.from_indicator = 1 THEN 1 ELSE 0 END AS f,
                    CASE WHEN s.to_indicator = 1 AND s.from_indicator = 1 THEN 1 ELSE 0 END AS tf,
                    s.device_id AS dev, s.first_seen AS f0, s.last_seen AS l0, s.events AS events${extra}
             FROM sightings s WHERE ${sql.dialect((d) => d.visibleRows(sql`s`))} AND (${where})`;
}

/**
 * Over a group of gradedSightings rows: `g0`, the grade the group's best sighting and its
 * sightings seen both ways settle, and `both_ways`, whether both directions occur in it at all.
 * Only a group still one-way with both directions can have a pair made two-way by two sightings
 * (pairsSeenBothWays): a handful, so the pairs of the others are never grouped.
 */
export const GROUP_GRADE = sql`greatest(max(g), CASE WHEN max(tf) = 1 THEN 2 ELSE 1 END)`;
export const GROUP_BOTH_WAYS = sql`CASE WHEN max(t) = 1 AND max(f) = 1 THEN 1 ELSE 0 END`;

/** Of gradedSightings rows `rows`, the (victim, indicator[, ...`by`]) pairs one-way sightings made two-way between them. */
export function pairsSeenBothWays(rows: Sql, by: Sql = sql.empty): Sql {
  return sql`SELECT victim${by} FROM (
               SELECT victim${by}, indicator_id FROM (${rows}) r WHERE g = 1 AND t <> f
               GROUP BY victim${by}, indicator_id HAVING max(t) = 1 AND max(f) = 1) p
             GROUP BY victim${by}`;
}

export interface FoldedRows {
  /** The folded table. */
  table: string;
  columns: readonly string[];
  /** The rows folded again (a SELECT of `columns`). */
  fresh: Sql;
  /** A DELETE of the stale rows, for a driver with transactions. */
  remove: Sql;
  /** Rows of grade 0 (a SELECT of `columns`) for the keys none of whose sightings is left. */
  gone: Sql;
  /** How the rows are best stored, where the engine keeps them in order (DuckDB's zonemaps). */
  order?: Sql;
}

/**
 * Writes folded rows in place of the stale ones. A driver with transactions deletes the stale rows
 * and inserts the fresh ones inside the import's transaction. Elsewhere (ClickHouse, whose deletes
 * are asynchronous mutations) the table replaces a row by its key (the schema's `replacing`), and a
 * key none of whose sightings is left gets a row of grade 0, which readers leave out (grade > 0).
 */
export async function writeFolded(d: Driver, f: FoldedRows): Promise<void> {
  const cols = sql.raw(f.columns.join(', '));
  if (d.can('transactions')) {
    await d.run(f.remove);
    await d.run(sql`INSERT INTO ${sql.ident(f.table)} (${cols}) ${f.fresh}${f.order ? sql` ORDER BY ${f.order}` : sql.empty}`);
    return;
  }
  // Each part written only when it has rows: a keyed table is merged after every write.
  for (const rows of [f.fresh, f.gone]) {
    const n = await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM (${rows}) x`);
    if (Number(n?.n ?? 0) > 0) await d.run(d.dialect.replaceInto(f.table, f.columns, rows));
  }
}
