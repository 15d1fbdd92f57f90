// Offline enrichment in SQL: the ip-location-db range tables are loaded into the store once per
// data version, and each distinct victim address is enriched once: IPv4 by its /16 bucket
// (geo_asn4, geo_country4), IPv6 with ASOF range joins.
import type { Db } from './connection.js';
import type { GeoSource } from '../../core/geo-data.js';
import { IPV4_LAST, IPV4_MAPPED } from './macros.js';

/** How the range tables are laid out, part of the stored version: a store with an older layout reloads. */
const GEO_LAYOUT = 'b16';

/** Loads the range tables if the store holds another version (or none). */
export async function ensureGeo(db: Db, geo: GeoSource): Promise<boolean> {
  const version = `${geo.version}/${GEO_LAYOUT}`;
  const have = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'geo_version'`);
  if (have?.value === version) return false;
  for (const t of ['geo_asn', 'geo_country', 'geo_asn4', 'geo_country4']) await db.run(`DELETE FROM ${t}`);
  const v4 = `(column0::UHUGEINT + ${IPV4_MAPPED})`;
  const read = (file: string, cols: number) =>
    `read_csv($f, header = false, columns = {${Array.from({ length: cols }, (_, i) => `'column${i}': 'VARCHAR'`).join(', ')}}, quote = '"')`;
  for (const f of geo.asnV4) await db.run(`INSERT INTO geo_asn SELECT ${v4}, column1::UHUGEINT + ${IPV4_MAPPED}, column2::BIGINT, column3 FROM ${read(f, 4)}`, { f });
  for (const f of geo.asnV6) await db.run(`INSERT INTO geo_asn SELECT column0::UHUGEINT, column1::UHUGEINT, column2::BIGINT, column3 FROM ${read(f, 4)}`, { f });
  for (const f of geo.countryV4) await db.run(`INSERT INTO geo_country SELECT ${v4}, column1::UHUGEINT + ${IPV4_MAPPED}, column2 FROM ${read(f, 3)}`, { f });
  for (const f of geo.countryV6) await db.run(`INSERT INTO geo_country SELECT column0::UHUGEINT, column1::UHUGEINT, column2 FROM ${read(f, 3)}`, { f });
  // Each IPv4 range once per /16 it overlaps: a range within one /16 (most of them) is one row.
  const byBucket = (cols: string, from: string) =>
    `SELECT unnest(range(lo4 >> 16, (hi4 >> 16) + 1))::UINTEGER AS b, lo4 AS lo, hi4 AS hi, ${cols}
     FROM (SELECT *, (lo & 4294967295)::UINTEGER AS lo4, (least(hi, ${IPV4_LAST}) & 4294967295)::UINTEGER AS hi4 FROM ${from}
           WHERE lo >> 32 = 65535)`;
  await db.run(`INSERT INTO geo_asn4 ${byBucket('asn, org', 'geo_asn')}`);
  await db.run(`INSERT INTO geo_country4 ${byBucket('country', 'geo_country')}`);
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('geo_version', $v)`, { v: version });
  // Addresses enriched from older data are enriched again.
  await db.run(`DELETE FROM hosts WHERE source = 'ip-location-db'`);
  return true;
}

/**
 * A range table's IPv6 rows: those past the IPv4-mapped space. The IPv4 files load first, so a
 * range filter on lo skips their row groups (zonemaps) instead of reading them.
 */
const IPV6_ROWS = (t: string) => `SELECT * FROM ${t} WHERE lo > ${IPV4_LAST}`;

/**
 * Enriches victims not yet in `hosts` (only those of one telemetry import when given, so the
 * cost follows the import, not the store); returns how many were added.
 */
export async function enrichHosts(db: Db, importId?: number): Promise<number> {
  const before = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM hosts`);
  const scope = importId === undefined ? 'true' : 'import_id = $imp';
  await db.run(
    `
    INSERT INTO hosts BY NAME
    WITH todo AS (
      SELECT DISTINCT victim AS ip FROM sightings WHERE ${scope} AND victim NOT IN (SELECT ip FROM hosts)),
    t4 AS (SELECT ip, (ip & 4294967295)::UINTEGER AS a FROM todo WHERE ip >> 32 = 65535),
    t6 AS (SELECT ip FROM todo WHERE ip >> 32 <> 65535),
    -- IPv4: the ranges of the address's /16 that hold it (the narrowest, should they overlap);
    -- IPv6: the range starting at or before it, which must also end at or after it.
    a AS (
      SELECT ip, arg_min(asn, hi - lo) AS asn, arg_min(org, hi - lo) AS org, true AS found
      FROM t4 JOIN geo_asn4 g ON g.b = t4.a >> 16 AND t4.a BETWEEN g.lo AND g.hi GROUP BY ip
      UNION ALL
      SELECT t.ip, g.asn, g.org, t.ip <= g.hi FROM t6 t ASOF JOIN (${IPV6_ROWS('geo_asn')}) g ON t.ip >= g.lo),
    c AS (
      SELECT ip, arg_min(country, hi - lo) AS country, true AS found
      FROM t4 JOIN geo_country4 g ON g.b = t4.a >> 16 AND t4.a BETWEEN g.lo AND g.hi GROUP BY ip
      UNION ALL
      SELECT t.ip, g.country, t.ip <= g.hi FROM t6 t ASOF JOIN (${IPV6_ROWS('geo_country')}) g ON t.ip >= g.lo),
    -- Reports carry their own ASN and country: the fallback when the range data has none.
    r AS (SELECT ip, any_value(asn) AS asn, any_value(upper(geo)) AS geo FROM reports WHERE ip IN (SELECT ip FROM todo) GROUP BY ip)
    SELECT t.ip,
           coalesce(CASE WHEN a.found THEN a.asn END, r.asn) AS asn,
           CASE WHEN a.found THEN a.org END AS as_org,
           coalesce(CASE WHEN c.found THEN c.country END, r.geo) AS country,
           CASE WHEN a.found OR c.found THEN 'ip-location-db' WHEN r.ip IS NOT NULL THEN 'report' END AS source
    FROM todo t LEFT JOIN a USING (ip) LEFT JOIN c USING (ip) LEFT JOIN r USING (ip)
    -- In address order: hosts has no index, so a lookup of one address reads the row groups whose
    -- range (zonemap) holds it, one per enrichment.
    ORDER BY t.ip`,
    importId === undefined ? {} : { imp: importId },
  );
  const after = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM hosts`);
  return Number(after!.n - before!.n);
}
