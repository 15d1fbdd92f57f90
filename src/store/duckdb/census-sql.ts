// The census: distinct victims (devices where identifiers exist) per group, with shares, top N
// and an "others" row, plus what was excluded and why.
import type { CensusQuery, CensusResult, CensusRow } from '../store.js';
import type { Db } from './connection.js';
import { constituencyParams, GRADE_RANK, loadConstituency, SIGHTING_CTES_NO_OWNER, windowParams } from './victim-sql.js';
import { COUNT_COLUMNS, hasRanges, victimWindow, WINDOW_VICTIMS } from './window-sql.js';

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
    // The window's victims come from its window table (see window-sql.ts); the sightings are only
    // materialised when the dimension needs them (multi-valued ones: family, tag, indicator, ...).
    const window = await victimWindow(db, { from: q.from, to: q.to });
    await loadConstituency(db, q.constituency);
    const params = {
      min_grade: GRADE_RANK[q.minGrade ?? 'one-way'],
      incl_warned: q.includeWarned ?? false,
      incl_outside: q.includeOutside ?? false,
    };
    const dim0 = KEYS[q.by];
    if (dim0.single) await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS SELECT NULL::UHUGEINT AS victim WHERE false`);
    else {
      // Owners are filtered on the victims (census_v); the sightings only give the keys.
      const { from, to } = windowParams(q);
      await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS WITH ${SIGHTING_CTES_NO_OWNER} SELECT * FROM s`, { from: from!, to: to! });
    }
    await db.run(`CREATE OR REPLACE TEMP TABLE census_v AS WITH ${WINDOW_VICTIMS(window, hasRanges(q.constituency), COUNT_COLUMNS)} SELECT * FROM v`, {
      ...constituencyParams(q.constituency),
      owner: q.owner ?? null,
    });
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
