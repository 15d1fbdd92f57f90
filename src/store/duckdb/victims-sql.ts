// The victim list: one row per victim address with its enrichment, evidence summary and grade.
import { formatIp } from '../../core/ip.js';
import type { VictimFilter, VictimRow } from '../store.js';
import type { Db, Param } from './connection.js';
import { GRADE_OF_RANK, loadConstituency, VICTIM_CTES, victimParams } from './victim-sql.js';

/** The victim query and its parameters, for the list and for exports. */
export function victimsQuery(f: VictimFilter): { sql: string; params: Record<string, Param> } {
  return {
    sql: `WITH ${VICTIM_CTES}, ${VICTIM_AGG_CTE}
     SELECT v.*, agg.* EXCLUDE (victim)
     FROM v JOIN agg USING (victim)
     WHERE ($country IS NULL OR v.country = $country) AND ($asn IS NULL OR v.asn = $asn)
       AND ($family IS NULL OR list_contains(agg.families, $family)) AND v.inside
     ORDER BY agg.last_seen DESC, v.victim LIMIT $limit OFFSET $offset`,
    params: {
      ...victimParams(f),
      country: f.country?.toUpperCase() ?? null,
      asn: f.asn ?? null,
      family: f.family ?? null,
      limit: f.limit ?? 1000,
      offset: f.offset ?? 0,
    },
  };
}

export async function victims(db: Db, f: VictimFilter): Promise<VictimRow[]> {
  return db.exclusive(async () => {
    await loadConstituency(db, f.constituency);
    const q = victimsQuery(f);
    const rows = await db.all<Record<string, unknown>>(q.sql, q.params);
    return rows.map(victimRow);
  });
}

/** Per victim in CTE `s`: families, indicators, kinds, first/last seen and events. */
export const VICTIM_AGG_CTE = `
  agg AS (
    SELECT s.victim, list(DISTINCT coalesce(s.family, 'unknown')) AS families,
           list(DISTINCT coalesce(i.value, 'report:' || s.detail)) AS indicators, list(DISTINCT s.kind) AS kinds,
           min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen, sum(s.events) AS events
    FROM s LEFT JOIN indicators i ON i.id = s.indicator_id GROUP BY s.victim)`;

/** A row of `v` joined with `agg`, as the contract's VictimRow. */
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
  };
}
