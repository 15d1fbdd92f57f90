// The victim list: one row per victim address with its enrichment, evidence summary and grade.
// The page is chosen from the window's victims first (a family filter reads the window's
// evidence), then only its victims' lists are gathered: a page needs a hundred victims' lists,
// not the whole window's, which on a million victims take seconds.
import { SPECIAL_PURPOSE_KEY } from '../core/special-purpose.js';
import { sql, type Sql } from '../store/sql.js';
import type { VictimFilter, VictimRow } from '../store/store.js';
import { victimRow, type WindowRelations } from '../store/victim-windows.js';
import type { Dialect } from '../store/dialect.js';
import type { Driver } from '../store/driver.js';
import { windowsOf, type CensusSource } from './count.js';
import { joined, scopedVictims, withConstituency } from './scope.js';

/** The filter's country (a code, or the special-purpose row) and AS, on window rows `v`. */
function placeAndNetwork(f: VictimFilter): Sql {
  const parts: Sql[] = [];
  const country = f.country?.toUpperCase();
  if (country !== undefined)
    parts.push(country === SPECIAL_PURPOSE_KEY.toUpperCase() ? sql`(v.country = ${country} OR v.special IS NOT NULL)` : sql`v.country = ${country}`);
  if (f.asn !== undefined) parts.push(sql`v.asn = ${f.asn}`);
  return parts.length ? sql` AND ${sql.join(parts, sql` AND `)}` : sql.empty;
}

/** The columns of a window's victims that a VictimRow shows. */
export const PAGE_COLUMNS = sql.raw(
  ['victim', 'grade', 'device', 'country', 'asn', 'as_org', 'special', 'warned_by', 'owner', 'first_seen', 'last_seen', 'events'].map((c) => `v.${c}`).join(', '),
);

/**
 * A page of window victims (`page`: rows of PAGE_COLUMNS, at most a page of them) with their lists
 * (families, indicators, kinds) from the window's evidence, one row per victim, ordered by `order`
 * (over alias `v`). The page is read once, joined with its victims' evidence, then grouped back.
 */
export function withLists(q: Dialect, page: Sql, evidence: Sql, order: Sql): Sql {
  const rows = sql`(SELECT p.*, e.indicator_id AS indicator_id, e.rkey AS rkey, e.kind AS kind, e.family AS family
                    FROM ${page} p JOIN ${evidence} e ON e.victim = p.victim)`;
  return sql`SELECT ${PAGE_COLUMNS}, ${q.listAggDistinct(sql`coalesce(v.family, 'unknown')`)} AS families,
                    ${q.listAggDistinct(sql`coalesce(${joined('i', 'value')}, 'report:' || v.rkey)`)} AS indicators, ${q.listAggDistinct(sql`v.kind`)} AS kinds
             FROM ${rows} v
             LEFT JOIN (SELECT x.id AS id, x.value AS value, 1 AS found FROM indicators x WHERE ${q.visibleRows(sql`x`)}) i ON i.id = v.indicator_id
             GROUP BY ${PAGE_COLUMNS}
             ORDER BY ${order}`;
}

/** The victim list's order: the latest seen first. */
const LATEST_FIRST = sql`v.last_seen DESC, v.victim`;

/** The victims of the filter's window and scope (VictimRow's columns), as a query, for the victim list and exports. */
export function victimsQuery(d: Driver, w: WindowRelations, f: VictimFilter, inside: (victims: Sql) => Sql): Sql {
  const family = f.family === undefined ? sql.empty : sql` AND v.victim IN (SELECT victim FROM ${w.evidence} e WHERE coalesce(family, 'unknown') = ${f.family})`;
  const page = sql`(SELECT ${PAGE_COLUMNS} FROM ${scopedVictims(w.victims, f, inside)} v
                    WHERE v.inside = 1${placeAndNetwork(f)}${family}
                    ORDER BY ${LATEST_FIRST} LIMIT ${f.limit ?? 1000} OFFSET ${f.offset ?? 0})`;
  return withLists(d.dialect, page, w.evidence, LATEST_FIRST);
}

export async function victims(store: CensusSource, f: VictimFilter): Promise<VictimRow[]> {
  const d = store.driver;
  return withConstituency(d, f.constituency, (inside) =>
    windowsOf(store).read({ from: f.from, to: f.to }, async (w) => (await d.all<Record<string, unknown>>(victimsQuery(d, w, f, inside))).map(victimRow)),
  );
}
