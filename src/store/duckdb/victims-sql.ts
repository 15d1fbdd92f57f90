// The victim list: one row per victim address with its enrichment, evidence summary and grade.
import { formatIp } from '../../core/ip.js';
import type { VictimFilter, VictimRow } from '../store.js';
import type { Db, Param } from './connection.js';
import { SPECIAL_PURPOSE_KEY } from '../../core/special-purpose.js';
import { GRADE_OF_RANK, loadConstituency } from './victim-sql.js';
import { PAGE_LISTS, windowRef, windowSource, windowVictims } from './window-sql.js';

/** The filter's country (a code, or the special-purpose row) and AS, on window rows `v`. */
const PLACE_AND_NETWORK = `($country IS NULL OR v.country = $country OR ($country = upper('${SPECIAL_PURPOSE_KEY}') AND v.special IS NOT NULL))
  AND ($asn IS NULL OR v.asn = $asn)`;

/** The values of the victim filter's parameters, and the page. */
function filterParams(f: VictimFilter): Record<string, Param> {
  return { country: f.country?.toUpperCase() ?? null, asn: f.asn ?? null, family: f.family ?? null, limit: f.limit ?? 1000, offset: f.offset ?? 0 };
}

/** The victim query over a window table and its lists (windowLists) and its parameters, for the list and for exports. */
export function victimsQuery(f: VictimFilter, window: { table: string; lists: string }): { sql: string; params: Record<string, Param> } {
  const wv = windowVictims(window.table, f);
  return {
    sql: `WITH ${wv.cte}
     SELECT v.*, l.* EXCLUDE (victim) FROM v JOIN ${window.lists} l USING (victim)
     WHERE ${PLACE_AND_NETWORK} AND ($family IS NULL OR list_contains(l.families, $family)) AND v.inside
     ORDER BY v.last_seen DESC, v.victim LIMIT $limit OFFSET $offset`,
    params: { ...wv.params, ...filterParams(f) },
  };
}

/**
 * The victim list: the page is chosen from the window table first (a family filter reads the
 * window's sightings), then only its victims' lists are gathered (PAGE_LISTS).
 */
export async function victims(db: Db, f: VictimFilter): Promise<VictimRow[]> {
  return db.windowed(async () => {
    const ref = await windowRef(db, f);
    await loadConstituency(db, f.constituency);
    const wv = windowVictims(ref.table, f);
    const rows = await db.all<Record<string, unknown>>(
      `WITH ${wv.cte}, ${windowSource(ref.source)},
       page AS (SELECT v.* FROM v
                WHERE ${PLACE_AND_NETWORK} AND v.inside
                  AND ($family IS NULL OR v.victim IN (SELECT victim FROM src WHERE coalesce(family, 'unknown') = $family))
                ORDER BY v.last_seen DESC, v.victim LIMIT $limit OFFSET $offset),
       ${PAGE_LISTS}
       SELECT page.*, l.* EXCLUDE (victim) FROM page JOIN l USING (victim) ORDER BY page.last_seen DESC, page.victim`,
      { ...ref.params, ...wv.params, ...filterParams(f) },
    );
    return rows.map(victimRow);
  });
}

/** A row of a window table (victimWindow), as the contract's VictimRow. */
export function victimRow(r: Record<string, unknown>): VictimRow {
  return {
    ip: formatIp(r.victim as bigint),
    country: (r.country as string | null) ?? undefined,
    asn: r.asn === null ? undefined : Number(r.asn),
    asOrg: (r.as_org as string | null) ?? undefined,
    families: r.families as string[],
    indicators: r.indicators as string[],
    kinds: r.kinds as string[],
    grade: GRADE_OF_RANK[Number(r.grade)]!,
    firstSeen: r.first_seen as Date,
    lastSeen: r.last_seen as Date,
    events: Number(r.events),
    deviceId: (r.device as string | null) ?? undefined,
    warnings: r.warned_by ? String(r.warned_by).split('; ') : [],
    owner: (r.owner as string | null) ?? undefined,
    special: (r.special as string | null) ?? undefined,
  };
}
