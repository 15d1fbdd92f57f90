// Offline enrichment in SQL: the ip-location-db range tables are loaded into the store once per
// data version, and each distinct victim address is enriched once with ASOF range joins.
import type { Db } from './connection.js';
import type { GeoSource } from '../../enrich/geo-data.js';

/** Loads the range tables if the store holds another version (or none). */
export async function ensureGeo(db: Db, geo: GeoSource): Promise<boolean> {
  const have = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'geo_version'`);
  if (have?.value === geo.version) return false;
  await db.run(`DELETE FROM geo_asn`);
  await db.run(`DELETE FROM geo_country`);
  const v4 = `(column0::UHUGEINT + 281470681743360::UHUGEINT)`; // IPv4-mapped: + 0xffff00000000
  const read = (file: string, cols: number) =>
    `read_csv($f, header = false, columns = {${Array.from({ length: cols }, (_, i) => `'column${i}': 'VARCHAR'`).join(', ')}}, quote = '"')`;
  for (const f of geo.asnV4) await db.run(`INSERT INTO geo_asn SELECT ${v4}, column1::UHUGEINT + 281470681743360::UHUGEINT, column2::BIGINT, column3 FROM ${read(f, 4)}`, { f });
  for (const f of geo.asnV6) await db.run(`INSERT INTO geo_asn SELECT column0::UHUGEINT, column1::UHUGEINT, column2::BIGINT, column3 FROM ${read(f, 4)}`, { f });
  for (const f of geo.countryV4) await db.run(`INSERT INTO geo_country SELECT ${v4}, column1::UHUGEINT + 281470681743360::UHUGEINT, column2 FROM ${read(f, 3)}`, { f });
  for (const f of geo.countryV6) await db.run(`INSERT INTO geo_country SELECT column0::UHUGEINT, column1::UHUGEINT, column2 FROM ${read(f, 3)}`, { f });
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('geo_version', $v)`, { v: geo.version });
  // Addresses enriched from older data are enriched again.
  await db.run(`DELETE FROM hosts WHERE source = 'ip-location-db'`);
  return true;
}

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
    a AS (SELECT t.ip, g.asn, g.org, g.hi FROM todo t ASOF LEFT JOIN geo_asn g ON t.ip >= g.lo),
    c AS (SELECT t.ip, g.country, g.hi FROM todo t ASOF LEFT JOIN geo_country g ON t.ip >= g.lo),
    -- Reports carry their own ASN and country: the fallback when the range data has none.
    r AS (SELECT ip, any_value(asn) AS asn, any_value(upper(geo)) AS geo FROM reports WHERE ip IN (SELECT ip FROM todo) GROUP BY ip)
    SELECT t.ip,
           coalesce(CASE WHEN t.ip <= a.hi THEN a.asn END, r.asn) AS asn,
           CASE WHEN t.ip <= a.hi THEN a.org END AS as_org,
           coalesce(CASE WHEN t.ip <= c.hi THEN c.country END, r.geo) AS country,
           CASE WHEN t.ip <= a.hi OR t.ip <= c.hi THEN 'ip-location-db' WHEN r.ip IS NOT NULL THEN 'report' END AS source
    FROM todo t JOIN a USING (ip) JOIN c USING (ip) LEFT JOIN r USING (ip)`,
    importId === undefined ? {} : { imp: importId },
  );
  const after = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM hosts`);
  return Number(after!.n - before!.n);
}
