// The victim list: one row per victim address with its enrichment, evidence summary and grade.
// The page is chosen from the window's victims first (a family filter reads the window's
// evidence), then only its victims' lists are gathered: a page needs a hundred victims' lists,
// not the whole window's, which on a million victims take seconds.
import { SPECIAL_PURPOSE_KEY } from '../core/special-purpose.js';
import { sql, type Sql } from '../store/sql.js';
import type { VictimFilter, VictimRow } from '../store/store.js';
import { victimRow } from '../store/victim-windows.js';
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
const PAGE_COLUMNS = sql.raw(
  ['victim', 'grade', 'device', 'country', 'asn', 'as_org', 'special', 'warned_by', 'owner', 'first_seen', 'last_seen', 'events'].map((c) => `v.${c}`).join(', '),
);

export async function victims(store: CensusSource, f: VictimFilter): Promise<VictimRow[]> {
  const d = store.driver;
  const q = d.dialect;
  return withConstituency(d, f.constituency, (inside) =>
    windowsOf(store).read({ from: f.from, to: f.to }, async (w) => {
      const family = f.family === undefined ? sql.empty : sql` AND v.victim IN (SELECT victim FROM ${w.evidence} e WHERE coalesce(family, 'unknown') = ${f.family})`;
      const page = sql`(SELECT ${PAGE_COLUMNS} FROM ${scopedVictims(w.victims, f, inside)} v
                        WHERE v.inside = 1${placeAndNetwork(f)}${family}
                        ORDER BY v.last_seen DESC, v.victim LIMIT ${f.limit ?? 1000} OFFSET ${f.offset ?? 0})`;
      // The page once, joined with its victims' evidence, then grouped back to one row per victim.
      const evidence = sql`(SELECT p.*, e.indicator_id AS indicator_id, e.rkey AS rkey, e.kind AS kind, e.family AS family
                            FROM ${page} p JOIN ${w.evidence} e ON e.victim = p.victim)`;
      const rows = await d.all<Record<string, unknown>>(
        sql`SELECT ${PAGE_COLUMNS}, ${q.listAggDistinct(sql`coalesce(v.family, 'unknown')`)} AS families,
                   ${q.listAggDistinct(sql`coalesce(${joined('i', 'value')}, 'report:' || v.rkey)`)} AS indicators, ${q.listAggDistinct(sql`v.kind`)} AS kinds
            FROM ${evidence} v
            LEFT JOIN (SELECT x.id AS id, x.value AS value, 1 AS found FROM indicators x WHERE ${q.visibleRows(sql`x`)}) i ON i.id = v.indicator_id
            GROUP BY ${PAGE_COLUMNS}
            ORDER BY v.last_seen DESC, v.victim`,
      );
      return rows.map(victimRow);
    }),
  );
}
