// The census: distinct victims (devices where identifiers exist) per group, with shares, top N
// and an "others" row, plus what was excluded and why. Written once over a window's relations
// (store/victim-windows.ts): its victims, and for multi-valued dimensions its evidence.
import { SPECIAL_PURPOSE_KEY } from '../core/special-purpose.js';
import type { Dialect } from '../store/dialect.js';
import { sql, type Sql } from '../store/sql.js';
import type { CensusDimension, CensusQuery, CensusResult, CensusRow, Store } from '../store/store.js';
import { censusLabel } from './labels.js';
import { COUNT_COLUMNS, countedCondition, distinctCount, joined, scopedVictims, units, withConstituency } from './scope.js';
import { neutralWindows } from './neutral-windows.js';
import type { VictimWindows } from '../store/victim-windows.js';

/**
 * What the census stage reads: the store's driver, and window relations of its own where the
 * caller gives them (a server's test watches the questions asked of them).
 */
export type CensusSource = Pick<Store, 'driver'> & { readonly windows?: VictimWindows };

/** The window relations of a store: computed from the shared tables and kept where the driver keeps tables (neutral-windows.ts). */
export const windowsOf = (store: CensusSource): VictimWindows => store.windows ?? neutralWindows(store.driver);

/** "Vendor Product", or "Vendor (model unknown)", of device_identities row `d`; NULL when neither is known. */
export const PRODUCT = sql`CASE WHEN d.product IS NOT NULL THEN (CASE WHEN d.vendor IS NOT NULL THEN d.vendor || ' ' || d.product ELSE d.product END)
  WHEN d.vendor IS NOT NULL THEN d.vendor || ' (model unknown)' END`;

/** A victim row's key: SPECIAL_PURPOSE_KEY for a special-purpose address, else `key`. */
const specialOr = (key: Sql) => sql`CASE WHEN special IS NOT NULL THEN ${SPECIAL_PURPOSE_KEY} ELSE ${key} END`;

/** The relations a dimension's keys are read from. */
interface KeySource {
  /** The counted victims (single-valued dimensions) or all the window's victims in scope (cve). */
  counted: Sql;
  victims: Sql;
  evidence: Sql;
  d: Dialect;
}

/**
 * Per dimension: rows (victim, k, label), with `unit` for single-valued ones, which read the
 * counted victims and are grouped without a join; multi-valued ones list a victim once per key.
 */
const KEYS: Record<CensusDimension, { single: boolean; keys: (s: KeySource) => Sql }> = {
  // Special-purpose addresses (private, shared, documentation, ...) are a row of their own.
  country: { single: true, keys: (s) => sql`SELECT victim, unit, ${specialOr(sql`coalesce(country, '??')`)} AS k, NULL AS label FROM ${s.counted} v` },
  asn: { single: true, keys: (s) => sql`SELECT victim, unit, ${specialOr(sql`coalesce(CAST(asn AS VARCHAR), '??')`)} AS k, as_org AS label FROM ${s.counted} v` },
  org: { single: true, keys: (s) => sql`SELECT victim, unit, ${specialOr(sql`coalesce(as_org, 'Unknown')`)} AS k, NULL AS label FROM ${s.counted} v` },
  grade: {
    single: true,
    keys: (s) => sql`SELECT victim, unit, CASE grade WHEN 3 THEN 'confirmed' WHEN 2 THEN 'two-way' ELSE 'one-way' END AS k, NULL AS label FROM ${s.counted} v`,
  },
  family: { single: false, keys: (s) => sql`SELECT DISTINCT victim, coalesce(family, 'unknown') AS k, NULL AS label FROM ${s.evidence} e` },
  kind: { single: false, keys: (s) => sql`SELECT DISTINCT victim, kind AS k, NULL AS label FROM ${s.evidence} e` },
  tag: {
    single: false,
    keys: (s) =>
      sql`SELECT DISTINCT e.victim AS victim, ${s.d.unnest(sql`i.tags`)} AS k, NULL AS label
          FROM ${s.evidence} e JOIN indicators i ON i.id = e.indicator_id WHERE ${s.d.visibleRows(sql`i`)}`,
  },
  indicator: {
    single: false,
    keys: (s) =>
      sql`SELECT DISTINCT e.victim AS victim, coalesce(${joined('i', 'value')}, 'report:' || e.rkey) AS k, ${joined('i', 'source')} AS label
          FROM ${s.evidence} e LEFT JOIN (SELECT x.*, 1 AS found FROM indicators x WHERE ${s.d.visibleRows(sql`x`)}) i ON i.id = e.indicator_id`,
  },
  // The identify stage's view of each victim (`ident`); 'unknown' when unidentified.
  device: { single: true, keys: (s) => sql`SELECT v.victim, v.unit, coalesce(d.device_type, 'unknown') AS k, NULL AS label FROM ${s.counted} v ${devices(s.d)}` },
  vendor: {
    single: true,
    keys: (s) => sql`SELECT v.victim, v.unit, coalesce(lower(d.vendor), 'unknown') AS k, d.vendor AS label FROM ${s.counted} v ${devices(s.d)}`,
  },
  // "router|TP-Link": the device mix of the report, one key per type and vendor.
  'device-vendor': {
    single: true,
    keys: (s) =>
      sql`SELECT v.victim, v.unit, coalesce(d.device_type, 'unknown') || '|' || coalesce(d.vendor, 'unknown') AS k, NULL AS label
          FROM ${s.counted} v ${devices(s.d)}`,
  },
  product: {
    single: true,
    keys: (s) => sql`SELECT v.victim, v.unit, coalesce(lower(${PRODUCT}), 'unknown') AS k, ${PRODUCT} AS label FROM ${s.counted} v ${devices(s.d)}`,
  },
  cve: {
    single: false,
    keys: (s) =>
      sql`SELECT DISTINCT x.victim AS victim, coalesce(x.cve_id, 'none') AS k, ${joined('kev', 'vulnerability_name')} AS label
          FROM (SELECT v.victim AS victim, ${joined('e', 'cve_id')} AS cve_id
                FROM ${s.victims} v LEFT JOIN (SELECT y.*, 1 AS found FROM exposures y WHERE ${s.d.visibleRows(sql`y`)}) e ON e.device = v.ident) x
          LEFT JOIN (SELECT z.*, 1 AS found FROM kev z WHERE ${s.d.visibleRows(sql`z`)}) kev ON kev.cve_id = x.cve_id`,
  },
};

/** The identified device of victim row `v`, as `d`. */
const devices = (d: Dialect) => sql`LEFT JOIN (SELECT * FROM device_identities y WHERE ${d.visibleRows(sql`y`)}) d ON d.device = v.ident`;

export async function census(store: CensusSource, q: CensusQuery): Promise<CensusResult> {
  const d = store.driver;
  return withConstituency(d, q.constituency, (inside) =>
    windowsOf(store).read({ from: q.from, to: q.to }, async (w) => {
      const dim = KEYS[q.by];
      const victims = scopedVictims(w.victims, q, inside, COUNT_COLUMNS);
      const counted = sql`(SELECT * FROM ${victims} c WHERE ${countedCondition(q)})`;
      const keys = dim.keys({ counted, victims, evidence: w.evidence, d: d.dialect });
      const groups = q.totalsOnly
        ? []
        : await d.all<{ k: string; label: string | null; n: bigint | number }>(
            dim.single
              ? sql`SELECT k, min(label) AS label, ${units()} AS n FROM (${keys}) keys GROUP BY k ORDER BY n DESC, k`
              : sql`SELECT k, min(label) AS label, ${units()} AS n
                    FROM ${counted} c JOIN (SELECT victim, k, min(label) AS label FROM (${keys}) k0 GROUP BY victim, k) keys USING (victim)
                    GROUP BY k ORDER BY n DESC, k`,
          );
      // The totals in one pass over the window's victims.
      const rule = countedCondition(q);
      const minGrade = countedCondition({ includeWarned: true, includeOutside: true, minGrade: q.minGrade });
      const warned = q.includeWarned ? sql.raw('1 = 0') : sql`${minGrade} AND warned_by IS NOT NULL`;
      const outside = q.includeOutside ? sql.raw('1 = 0') : sql`${minGrade} AND warned_by IS NULL AND inside = 0`;
      const totals = await d.one<{ total: bigint; addresses: bigint; devices: bigint; warned: bigint; outside: bigint }>(
        sql`SELECT ${units(sql`counted = 1`)} AS total,
                   count(CASE WHEN counted = 1 THEN 1 END) AS addresses,
                   ${distinctCount(sql`CASE WHEN counted = 1 THEN device END`)} AS devices,
                   ${units(warned)} AS warned,
                   ${units(outside)} AS outside
            FROM (SELECT x.*, CASE WHEN ${rule} THEN 1 ELSE 0 END AS counted FROM ${victims} x) t`,
      );
      const total = Number(totals!.total);
      const share = (n: number) => (total ? n / total : 0);
      const rows: CensusRow[] = groups.slice(0, q.top).map((g) => ({
        key: g.k,
        label: censusLabel(q.by, g.k, g.label ?? undefined),
        count: Number(g.n),
        share: share(Number(g.n)),
      }));
      let others: CensusRow | undefined;
      if (groups.length > q.top) {
        let n: number;
        if (dim.single) n = total - rows.reduce((a, r) => a + r.count, 0);
        else {
          const notTop = rows.length ? sql` WHERE k NOT IN ${sql.list(rows.map((r) => r.key))}` : sql.empty;
          const r = await d.one<{ n: bigint }>(sql`SELECT ${units()} AS n FROM ${counted} c WHERE victim IN (SELECT victim FROM (${keys}) k0${notTop})`);
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
    }),
  );
}
