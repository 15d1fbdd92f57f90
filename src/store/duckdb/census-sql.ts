// The census: distinct victims (devices where identifiers exist) per group, with shares, top N
// and an "others" row, plus what was excluded and why.
import type { CensusQuery, CensusResult, CensusRow } from '../store.js';
import type { Db } from './connection.js';
import { constituencyParams, GRADE_RANK, loadConstituency, SIGHTING_CTES, SIGHTING_CTES_NO_OWNER, VICTIM_ROW_CTES, windowParams } from './victim-sql.js';

/** "Vendor Product", or "Vendor (model unknown)", of device_identities row `d`; NULL when neither is known. */
export const PRODUCT = (d: string) =>
  `CASE WHEN ${d}.product IS NOT NULL THEN concat_ws(' ', ${d}.vendor, ${d}.product) WHEN ${d}.vendor IS NOT NULL THEN ${d}.vendor || ' (model unknown)' END`;

/** Per dimension: a CTE `keys(victim, k, label)`; multi-valued dimensions list a victim more than once. */
const KEYS: Record<CensusQuery['by'], { sql: string; single: boolean }> = {
  country: { sql: `SELECT victim, coalesce(country, '??') AS k, NULL AS label FROM v`, single: true },
  asn: { sql: `SELECT victim, coalesce(asn::VARCHAR, '??') AS k, as_org AS label FROM v`, single: true },
  org: { sql: `SELECT victim, coalesce(as_org, 'Unknown') AS k, NULL AS label FROM v`, single: true },
  grade: {
    sql: `SELECT victim, CASE grade WHEN 3 THEN 'confirmed' WHEN 2 THEN 'two-way' ELSE 'one-way' END AS k, NULL AS label FROM v`,
    single: true,
  },
  family: { sql: `SELECT DISTINCT victim, coalesce(family, 'unknown') AS k, NULL AS label FROM s`, single: false },
  kind: { sql: `SELECT DISTINCT victim, kind AS k, NULL AS label FROM s`, single: false },
  tag: {
    sql: `SELECT DISTINCT s.victim, unnest(i.tags) AS k, NULL AS label FROM s JOIN indicators i ON i.id = s.indicator_id`,
    single: false,
  },
  indicator: {
    sql: `SELECT DISTINCT s.victim, coalesce(i.value, 'report:' || s.detail) AS k, i.source AS label FROM s LEFT JOIN indicators i ON i.id = s.indicator_id`,
    single: false,
  },
  // The identify stage's view of each victim (`ident`, see victim-sql.ts); 'unknown' when unidentified.
  device: { sql: `SELECT v.victim, coalesce(d.device_type, 'unknown') AS k, NULL AS label FROM v LEFT JOIN device_identities d ON d.device = v.ident`, single: true },
  vendor: {
    sql: `SELECT v.victim, coalesce(lower(d.vendor), 'unknown') AS k, d.vendor AS label FROM v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  // "router|TP-Link": the device mix of the report, one key per type and vendor.
  'device-vendor': {
    sql: `SELECT v.victim, coalesce(d.device_type, 'unknown') || '|' || coalesce(d.vendor, 'unknown') AS k, NULL AS label
          FROM v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  product: {
    sql: `SELECT v.victim, coalesce(lower(${PRODUCT('d')}), 'unknown') AS k, ${PRODUCT('d')} AS label
          FROM v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  cve: {
    sql: `SELECT DISTINCT v.victim, coalesce(e.cve_id, 'none') AS k, kev.vulnerability_name AS label
          FROM v LEFT JOIN exposures e ON e.device = v.ident LEFT JOIN kev ON kev.cve_id = e.cve_id`,
    single: false,
  },
};

export async function census(db: Db, q: CensusQuery, label: (by: CensusQuery['by'], key: string, raw?: string) => string): Promise<CensusResult> {
  return db.exclusive(async () => {
    await loadConstituency(db, q.constituency);
    const params = {
      min_grade: GRADE_RANK[q.minGrade ?? 'one-way'],
      incl_warned: q.includeWarned ?? false,
      incl_outside: q.includeOutside ?? false,
    };
    // The window's sightings and victims are materialised once; the group and total queries below
    // then read small temp tables instead of recomputing the joins.
    // Without an owner filter the owner join is skipped; the sightings are only materialised when
    // the dimension needs them (multi-valued ones), otherwise the victim rows read them directly.
    const sightingCtes = q.owner === undefined ? SIGHTING_CTES_NO_OWNER : SIGHTING_CTES;
    const wp = q.owner === undefined ? { from: windowParams(q).from!, to: windowParams(q).to! } : windowParams(q);
    const dim0 = KEYS[q.by];
    if (dim0.single) await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS SELECT NULL::UHUGEINT AS victim WHERE false`);
    else await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS WITH ${sightingCtes} SELECT * FROM s`, wp);
    await db.run(
      `CREATE OR REPLACE TEMP TABLE census_v AS WITH ${dim0.single ? sightingCtes : 's AS (SELECT * FROM census_s)'}, ${VICTIM_ROW_CTES} SELECT * FROM v`,
      { ...constituencyParams(q.constituency), ...(dim0.single ? wp : {}) },
    );
    const VICTIM_CTES = `s AS (SELECT * FROM census_s), v AS (SELECT * FROM census_v)`;
    const counted = `counted AS (SELECT * FROM v WHERE grade >= $min_grade AND (warned_by IS NULL OR $incl_warned) AND (inside OR $incl_outside))`;
    const dim = KEYS[q.by];
    const groups = await db.all<{ k: string; label: string | null; n: bigint }>(
      `WITH ${VICTIM_CTES}, ${counted}, keys AS (${dim.sql})
       SELECT k, any_value(keys.label) AS label, count(DISTINCT unit) AS n
       FROM counted JOIN keys USING (victim) GROUP BY k ORDER BY n DESC, k`,
      params,
    );
    const totals = await db.one<{ total: bigint; addresses: bigint; devices: bigint; warned: bigint; outside: bigint }>(
      `WITH ${VICTIM_CTES}, ${counted}
       SELECT (SELECT count(DISTINCT unit) FROM counted) AS total,
              (SELECT count(DISTINCT victim) FROM counted) AS addresses,
              (SELECT count(DISTINCT device) FROM counted) AS devices,
              (SELECT count(DISTINCT unit) FROM v WHERE grade >= $min_grade AND warned_by IS NOT NULL AND NOT $incl_warned) AS warned,
              (SELECT count(DISTINCT unit) FROM v WHERE grade >= $min_grade AND warned_by IS NULL AND NOT inside AND NOT $incl_outside) AS outside`,
      params,
    );
    const total = Number(totals!.total);
    const share = (n: number) => (total ? n / total : 0);
    const rows: CensusRow[] = groups.slice(0, q.top).map((g) => ({
      key: g.k,
      label: label(q.by, g.k, g.label ?? undefined),
      count: Number(g.n),
      share: share(Number(g.n)),
    }));
    let others: CensusRow | undefined;
    if (groups.length > q.top) {
      let n: number;
      if (dim.single) n = total - rows.reduce((a, r) => a + r.count, 0);
      else {
        const r = await db.one<{ n: bigint }>(
          `WITH ${VICTIM_CTES}, ${counted}, keys AS (${dim.sql})
           SELECT count(DISTINCT unit) AS n FROM counted JOIN keys USING (victim) WHERE NOT list_contains(from_json($top_keys, '["VARCHAR"]'), k)`,
          { ...params, top_keys: JSON.stringify(rows.map((r) => r.key)) },
        );
        n = Number(r!.n);
      }
      others = { key: 'others', label: `Others (${groups.length - q.top})`, count: n, share: share(n) };
    }
    return {
      rows,
      others,
      total,
      unit: Number(totals!.devices) > 0 ? 'devices' : 'addresses',
      addresses: Number(totals!.addresses),
      excluded: { warninglisted: Number(totals!.warned), outsideConstituency: Number(totals!.outside) },
    };
  });
}
