// The census: distinct victims (devices where identifiers exist) per group, with shares, top N
// and an "others" row, plus what was excluded and why.
import type { CensusQuery, CensusResult, CensusRow } from '../store.js';
import type { Db } from './connection.js';
import { constituencyParams, GRADE_RANK, loadConstituency, SIGHTING_CTES, VICTIM_ROW_CTES, windowParams } from './victim-sql.js';

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
};

export async function census(db: Db, q: CensusQuery, label: (by: CensusQuery['by'], key: string, raw?: string) => string): Promise<CensusResult> {
  await loadConstituency(db, q.constituency);
  const params = {
    min_grade: GRADE_RANK[q.minGrade ?? 'one-way'],
    incl_warned: q.includeWarned ?? false,
    incl_outside: q.includeOutside ?? false,
  };
  // The window's sightings and victims are materialised once; the group and total queries below
  // then read small temp tables instead of recomputing the joins.
  await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS WITH ${SIGHTING_CTES} SELECT * FROM s`, windowParams(q));
  await db.run(
    `CREATE OR REPLACE TEMP TABLE census_v AS WITH s AS (SELECT * FROM census_s), ${VICTIM_ROW_CTES} SELECT * FROM v`,
    constituencyParams(q.constituency),
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
}
