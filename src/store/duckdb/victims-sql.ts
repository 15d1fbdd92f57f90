// The victim list: one row per victim address with its enrichment, evidence summary and grade.
import type { VictimFilter } from '../store.js';
import type { Db, Param } from './connection.js';
import { SPECIAL_PURPOSE_KEY } from '../../core/special-purpose.js';
import { windowVictims } from './window-sql.js';

export { victimRow } from '../victim-windows.js';

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
