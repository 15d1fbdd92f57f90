// The census: distinct victims (devices where identifiers exist) per group, with shares, top N
// and an "others" row, plus what was excluded and why.
import type { CensusQuery, CensusResult, CensusRow } from '../store.js';
import type { Db } from './connection.js';
import { SPECIAL_PURPOSE_KEY } from '../../core/special-purpose.js';
import { GRADE_RANK, loadConstituency, SIGHTING_CTES_NO_OWNER, windowParams } from './victim-sql.js';
import { COUNT_COLUMNS, victimWindow, windowVictims } from './window-sql.js';

/** "Vendor Product", or "Vendor (model unknown)", of device_identities row `d`; NULL when neither is known. */
export const PRODUCT = (d: string) =>
  `CASE WHEN ${d}.product IS NOT NULL THEN concat_ws(' ', ${d}.vendor, ${d}.product) WHEN ${d}.vendor IS NOT NULL THEN ${d}.vendor || ' (model unknown)' END`;

/** A victim row's key: SPECIAL_PURPOSE_KEY for a special-purpose address, else `key`. */
const SPECIAL_OR = (key: string) => `CASE WHEN special IS NOT NULL THEN '${SPECIAL_PURPOSE_KEY}' ELSE ${key} END`;

/**
 * Per dimension: a CTE `keys(victim, k, label)`; multi-valued dimensions list a victim more than
 * once. Single-valued ones read the counted victims (`counted v`) and carry their unit, so they
 * are grouped without a join.
 */
const KEYS: Record<CensusQuery['by'], { sql: string; single: boolean }> = {
  // Special-purpose addresses (private, shared, documentation, ...) are a row of their own.
  country: { sql: `SELECT v.victim, v.unit, ${SPECIAL_OR(`coalesce(country, '??')`)} AS k, NULL AS label FROM counted v`, single: true },
  asn: { sql: `SELECT v.victim, v.unit, ${SPECIAL_OR(`coalesce(asn::VARCHAR, '??')`)} AS k, as_org AS label FROM counted v`, single: true },
  org: { sql: `SELECT v.victim, v.unit, ${SPECIAL_OR(`coalesce(as_org, 'Unknown')`)} AS k, NULL AS label FROM counted v`, single: true },
  grade: {
    sql: `SELECT v.victim, v.unit, CASE grade WHEN 3 THEN 'confirmed' WHEN 2 THEN 'two-way' ELSE 'one-way' END AS k, NULL AS label FROM counted v`,
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
  device: { sql: `SELECT v.victim, v.unit, coalesce(d.device_type, 'unknown') AS k, NULL AS label FROM counted v LEFT JOIN device_identities d ON d.device = v.ident`, single: true },
  vendor: {
    sql: `SELECT v.victim, v.unit, coalesce(lower(d.vendor), 'unknown') AS k, d.vendor AS label FROM counted v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  // "router|TP-Link": the device mix of the report, one key per type and vendor.
  'device-vendor': {
    sql: `SELECT v.victim, v.unit, coalesce(d.device_type, 'unknown') || '|' || coalesce(d.vendor, 'unknown') AS k, NULL AS label
          FROM counted v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  product: {
    sql: `SELECT v.victim, v.unit, coalesce(lower(${PRODUCT('d')}), 'unknown') AS k, ${PRODUCT('d')} AS label
          FROM counted v LEFT JOIN device_identities d ON d.device = v.ident`,
    single: true,
  },
  cve: {
    sql: `SELECT DISTINCT v.victim, coalesce(e.cve_id, 'none') AS k, kev.vulnerability_name AS label
          FROM v LEFT JOIN exposures e ON e.device = v.ident LEFT JOIN kev ON kev.cve_id = e.cve_id`,
    single: false,
  },
};

/**
 * count(DISTINCT unit) over rows that hold each victim at most once (window rows, or one key's
 * victims), where `cond` holds. A victim known by its address alone is its own unit
 * (victim-sql.ts), so those rows are counted as rows; only the units of identified devices,
 * which can span addresses, go through DuckDB's distinct count (a device's unit has the top bit
 * set, so it equals no address outside 8000::/1, which holds no assigned address space). Over
 * 409k victims that is 13 ms against 41 ms for the grouped counts, 7 ms against 65 ms for the
 * totals.
 */
const units = (cond = 'true') => `(count(*) FILTER (WHERE unit = victim AND ${cond}) + count(DISTINCT unit) FILTER (WHERE unit <> victim AND ${cond}))`;

export async function census(db: Db, q: CensusQuery, label: (by: CensusQuery['by'], key: string, raw?: string) => string): Promise<CensusResult> {
  return db.windowed(async () => {
    // The window's victims come from its window table (see window-sql.ts); the sightings are only
    // materialised when the dimension needs them (multi-valued ones: family, tag, indicator, ...).
    const window = await victimWindow(db, { from: q.from, to: q.to });
    await loadConstituency(db, q.constituency);
    const params = {
      min_grade: GRADE_RANK[q.minGrade ?? 'one-way'],
      incl_warned: q.includeWarned ?? false,
      incl_outside: q.includeOutside ?? false,
    };
    const dim = KEYS[q.by];
    // Single-valued dimensions read the window table only; multi-valued ones (family, tag,
    // indicator, ...) also need the window's sightings for their keys, materialised once here.
    // Owners are filtered on the victims; the sightings only give the keys.
    const sightings = !dim.single && !q.totalsOnly;
    if (sightings) {
      const { from, to } = windowParams(q);
      await db.run(`CREATE OR REPLACE TEMP TABLE census_s AS WITH ${SIGHTING_CTES_NO_OWNER} SELECT * FROM s`, { from: from!, to: to! });
    }
    const S_CTE = sightings ? `s AS (SELECT * FROM census_s)` : `s AS (SELECT NULL::UHUGEINT AS victim WHERE false)`;
    const wv = windowVictims(window, q, COUNT_COLUMNS);
    const VICTIM_CTES = `${S_CTE}, ${wv.cte}`;
    const counted = `counted AS (SELECT * FROM v WHERE grade >= $min_grade AND (warned_by IS NULL OR $incl_warned) AND (inside OR $incl_outside))`;
    const vparams = { ...params, ...wv.params };
    const groups = q.totalsOnly
      ? []
      : await db.all<{ k: string; label: string | null; n: bigint }>(
          `WITH ${VICTIM_CTES}, ${counted}, keys AS (${dim.sql})
           SELECT k, any_value(keys.label) AS label, ${units()} AS n
           FROM ${dim.single ? 'keys' : 'counted JOIN (SELECT victim, k, any_value(label) AS label FROM keys GROUP BY victim, k) keys USING (victim)'}
           GROUP BY k ORDER BY n DESC, k`,
          vparams,
        );
    // The totals in one pass over the window's victims.
    const totals = await db.one<{ total: bigint; addresses: bigint; devices: bigint; warned: bigint; outside: bigint }>(
      `WITH ${VICTIM_CTES},
       x AS (SELECT *, grade >= $min_grade AND (warned_by IS NULL OR $incl_warned) AND (inside OR $incl_outside) AS counted FROM v)
       SELECT ${units('counted')} AS total,
              count(*) FILTER (WHERE counted) AS addresses,
              count(DISTINCT device) FILTER (WHERE counted) AS devices,
              ${units('grade >= $min_grade AND warned_by IS NOT NULL AND NOT $incl_warned')} AS warned,
              ${units('grade >= $min_grade AND warned_by IS NULL AND NOT inside AND NOT $incl_outside')} AS outside
       FROM x`,
      vparams,
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
           SELECT ${units()} AS n FROM counted
           WHERE victim IN (SELECT victim FROM keys WHERE NOT list_contains(from_json($top_keys, '["VARCHAR"]'), k))`,
          { ...vparams, top_keys: JSON.stringify(rows.map((r) => r.key)) },
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
