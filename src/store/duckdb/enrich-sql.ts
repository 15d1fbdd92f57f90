// Offline enrichment in SQL: the providers' ranges are loaded into the store's range tables once
// per data version, each provider under its place in the chain (src), and each distinct victim
// address is enriched once: IPv4 by its /16 bucket (geo_asn4, geo_country4), IPv6 with ASOF range
// joins, the first provider with an answer winning. Special-purpose addresses (private, shared,
// documentation, ...) get neither country nor AS, whatever a provider says.
import type { Db } from './connection.js';
import type { EnrichmentSource, GeoChain } from '../store.js';
import { IP_LOCATION_DB, type GeoRole, type GeoSource, type RangeProvider } from '../../core/geo-data.js';
import { SPECIAL_PURPOSE_RANGES } from '../../core/special-purpose.js';
import { IPV4_LAST, IPV4_MAPPED } from './macros.js';
import { TableAppender } from './appender.js';
import { table } from '../schema.js';

/** How the range tables are laid out, part of the stored version: a store with an older layout reloads. */
const GEO_LAYOUT = 'b16-chain-special1';

/** The chain of files a store was told to enrich from (`enrich --geo/--asn`), empty by default. */
export async function geoChain(db: Db): Promise<GeoChain> {
  const r = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'geo_chain'`);
  return r ? (JSON.parse(r.value) as GeoChain) : { asn: [], country: [] };
}

export async function setGeoChain(db: Db, chain: GeoChain): Promise<void> {
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('geo_chain', $v)`, { v: JSON.stringify(chain) });
}

/**
 * Loads the range tables if the store holds another version (or none, or `force`): the chain's
 * providers first, in order, then the zero-setup files. Every stored enrichment is dropped then,
 * to be done again from the new data.
 */
export async function ensureGeo(db: Db, fallback: GeoSource, openChain: (c: GeoChain) => RangeProvider[], force = false): Promise<boolean> {
  const providers = openChain(await geoChain(db));
  const version = [GEO_LAYOUT, fallback.version, ...providers.map((p) => `${p.role}=${p.version}`)].join('|');
  const have = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'geo_version'`);
  if (!force && have?.value === version) return false;
  for (const t of ['geo_asn', 'geo_country', 'geo_asn4', 'geo_country4', 'geo_sources', 'geo_special']) await db.run(`DELETE FROM ${t}`);
  let src = 0;
  for (const role of ['asn', 'country'] as GeoRole[]) {
    for (const p of providers.filter((x) => x.role === role)) {
      const n = await loadProvider(db, p, src);
      await addSource(db, { src: src++, role, name: p.name, file: p.file, data_date: p.dataDate, licence: p.licence, ranges: n });
    }
    const n = await loadFallback(db, fallback, role, src);
    await addSource(db, { src: src++, role, name: IP_LOCATION_DB[role], data_date: fallback.dataDate, licence: IP_LOCATION_DB.licence, ranges: n });
  }
  // A provider without AS names (pfx2as) borrows the name another provider gives the AS, once here
  // rather than at every enrichment.
  await db.run(
    `UPDATE geo_asn SET org = n.org
     FROM (SELECT asn, arg_min(org, src) AS org FROM geo_asn WHERE org IS NOT NULL GROUP BY asn) n
     WHERE geo_asn.org IS NULL AND geo_asn.asn = n.asn`,
  );
  // Each IPv4 range once per /16 it overlaps: a range within one /16 (most of them) is one row.
  const byBucket = (cols: string, from: string) =>
    `SELECT unnest(range(lo4 >> 16, (hi4 >> 16) + 1))::UINTEGER AS b, lo4 AS lo, hi4 AS hi, ${cols}
     FROM (SELECT *, (lo & 4294967295)::UINTEGER AS lo4, (least(hi, ${IPV4_LAST}) & 4294967295)::UINTEGER AS hi4 FROM ${from}
           WHERE lo >> 32 = 65535)`;
  await db.run(`INSERT INTO geo_asn4 BY NAME ${byBucket('asn, org, src', 'geo_asn')}`);
  await db.run(`INSERT INTO geo_country4 BY NAME ${byBucket('country, src', 'geo_country')}`);
  const special = await TableAppender.open(db, table('geo_special'));
  for (const r of SPECIAL_PURPOSE_RANGES) special.row({ ...r });
  special.close();
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('geo_version', $v)`, { v: version });
  // Addresses enriched from older data are enriched again; the version tells cached answers.
  await db.run(`DELETE FROM hosts`);
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('hosts_version', $v)`, { v: String(Date.now()) });
  return true;
}

async function addSource(db: Db, row: Record<string, unknown>): Promise<void> {
  const a = await TableAppender.open(db, table('geo_sources'));
  a.row(row);
  a.close();
}

/** One provider's ranges into geo_asn or geo_country; returns how many. */
async function loadProvider(db: Db, p: RangeProvider, src: number): Promise<number> {
  const a = await TableAppender.open(db, table(p.role === 'asn' ? 'geo_asn' : 'geo_country'));
  let n = 0;
  try {
    for await (const r of p.ranges()) {
      a.row({ ...r, src });
      n++;
    }
  } finally {
    a.close();
  }
  return n;
}

/** The zero-setup CSV files of a role (numeric ranges; IPv4 ones unmapped). */
async function loadFallback(db: Db, geo: GeoSource, role: GeoRole, src: number): Promise<number> {
  const before = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${role === 'asn' ? 'geo_asn' : 'geo_country'}`);
  const v4 = `(column0::UHUGEINT + ${IPV4_MAPPED})`;
  const read = (file: string, cols: number) =>
    `read_csv($f, header = false, columns = {${Array.from({ length: cols }, (_, i) => `'column${i}': 'VARCHAR'`).join(', ')}}, quote = '"')`;
  if (role === 'asn') {
    for (const f of geo.asnV4) await db.run(`INSERT INTO geo_asn SELECT ${v4}, column1::UHUGEINT + ${IPV4_MAPPED}, column2::BIGINT, column3, ${src} FROM ${read(f, 4)}`, { f });
    for (const f of geo.asnV6) await db.run(`INSERT INTO geo_asn SELECT column0::UHUGEINT, column1::UHUGEINT, column2::BIGINT, column3, ${src} FROM ${read(f, 4)}`, { f });
  } else {
    for (const f of geo.countryV4) await db.run(`INSERT INTO geo_country SELECT ${v4}, column1::UHUGEINT + ${IPV4_MAPPED}, column2, ${src} FROM ${read(f, 3)}`, { f });
    for (const f of geo.countryV6) await db.run(`INSERT INTO geo_country SELECT column0::UHUGEINT, column1::UHUGEINT, column2, ${src} FROM ${read(f, 3)}`, { f });
  }
  const after = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${role === 'asn' ? 'geo_asn' : 'geo_country'}`);
  return Number(after!.n - before!.n);
}

/**
 * A range table's IPv6 rows: those past the IPv4-mapped space. The IPv4 files load first, so a
 * range filter on lo skips their row groups (zonemaps) instead of reading them.
 */
const IPV6_ROWS = (t: string) => `SELECT * FROM ${t} WHERE lo > ${IPV4_LAST}`;

/** The special-purpose label of an address column (NULL outside them), from SPECIAL_PURPOSE_RANGES. */
const SPECIAL_CASE = (col: string) =>
  `CASE ${SPECIAL_PURPOSE_RANGES.map((r) => `WHEN ${col} BETWEEN ${r.lo}::UHUGEINT AND ${r.hi}::UHUGEINT THEN '${r.label.replace(/'/g, "''")}'`).join(' ')} END`;

/**
 * CTEs after a CTE `todo(ip)` of distinct addresses, ending in a SELECT of their hosts rows
 * (one per address).
 */
const ENRICHED = `
    t4 AS (SELECT ip, (ip & 4294967295)::UINTEGER AS a FROM todo WHERE ip >> 32 = 65535),
    t6 AS (SELECT ip FROM todo WHERE ip >> 32 <> 65535),
    -- Each role's answer from the first provider that has one (lowest src): IPv4 from the
    -- ranges of the address's /16 that hold it (of one provider, the narrowest, should they
    -- overlap); IPv6 per provider, the range starting at or before it, which must also end at or
    -- after it.
    a AS (
      SELECT ip, w.asn, w.org, w.src FROM (SELECT ip, arg_min({asn: asn, org: org, src: src}, k) AS w FROM (
        SELECT ip, asn, org, src, (src::UBIGINT << 32) | (g.hi - g.lo) AS k
        FROM t4 JOIN geo_asn4 g ON g.b = t4.a >> 16 AND t4.a BETWEEN g.lo AND g.hi
        UNION ALL
        SELECT t.ip, g.asn, g.org, g.src, g.src::UBIGINT << 32
        FROM (SELECT * FROM t6, (SELECT src AS p FROM geo_sources WHERE role = 'asn')) t
        ASOF JOIN (${IPV6_ROWS('geo_asn')}) g ON t.p = g.src AND t.ip >= g.lo WHERE t.ip <= g.hi)
      GROUP BY ip)),
    c AS (
      SELECT ip, w.country, w.src FROM (SELECT ip, arg_min({country: country, src: src}, k) AS w FROM (
        SELECT ip, country, src, (src::UBIGINT << 32) | (g.hi - g.lo) AS k
        FROM t4 JOIN geo_country4 g ON g.b = t4.a >> 16 AND t4.a BETWEEN g.lo AND g.hi
        UNION ALL
        SELECT t.ip, g.country, g.src, g.src::UBIGINT << 32
        FROM (SELECT * FROM t6, (SELECT src AS p FROM geo_sources WHERE role = 'country')) t
        ASOF JOIN (${IPV6_ROWS('geo_country')}) g ON t.p = g.src AND t.ip >= g.lo WHERE t.ip <= g.hi)
      GROUP BY ip)),
    -- The special-purpose block, as one CASE over the few blocks: a range join with geo_special
    -- costs an inequality join per enrichment (1.7 s for 400k addresses, against a few ms).
    sp AS (SELECT ip, ${SPECIAL_CASE('ip')} AS label FROM todo WHERE label IS NOT NULL),
    -- Reports carry their own ASN and country: the fallback when the range data has none.
    r AS (SELECT ip, any_value(asn) AS asn, any_value(upper(geo)) AS geo FROM reports WHERE ip IN (SELECT ip FROM todo) GROUP BY ip),
    e AS (
      SELECT t.ip, sp.label AS special,
             coalesce(a.asn, r.asn) AS asn, a.org AS as_org, coalesce(c.country, r.geo) AS country,
             CASE WHEN a.asn IS NOT NULL THEN sa.name WHEN r.asn IS NOT NULL THEN 'report' END AS asn_source,
             CASE WHEN c.country IS NOT NULL THEN sc.name WHEN r.geo IS NOT NULL THEN 'report' END AS country_source
      FROM todo t LEFT JOIN sp USING (ip) LEFT JOIN a USING (ip) LEFT JOIN c USING (ip) LEFT JOIN r USING (ip)
      LEFT JOIN geo_sources sa ON sa.src = a.src LEFT JOIN geo_sources sc ON sc.src = c.src)
    -- A special-purpose address keeps its label and nothing else.
    SELECT ip, special,
           CASE WHEN special IS NULL THEN asn END AS asn, CASE WHEN special IS NULL THEN as_org END AS as_org,
           CASE WHEN special IS NULL THEN country END AS country,
           CASE WHEN special IS NOT NULL THEN 'special-purpose' ELSE coalesce(asn_source, country_source) END AS source,
           CASE WHEN special IS NULL THEN asn_source END AS asn_source, CASE WHEN special IS NULL THEN country_source END AS country_source
    FROM e
`;

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
    ${ENRICHED}
    -- In address order: hosts has no index, so a lookup of one address reads the row groups whose
    -- range (zonemap) holds it, one per enrichment.
    ORDER BY ip`,
    importId === undefined ? {} : { imp: importId },
  );
  const after = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM hosts`);
  return Number(after!.n - before!.n);
}

/** The providers loaded, in the order they are asked. */
export async function enrichmentSources(db: Db): Promise<EnrichmentSource[]> {
  const rows = await db.all<{ role: 'asn' | 'country'; name: string; file: string | null; data_date: string | null; licence: string | null; ranges: bigint }>(
    `SELECT * FROM geo_sources ORDER BY src`,
  );
  return rows.map((r) => ({
    role: r.role,
    name: r.name,
    file: r.file ?? undefined,
    dataDate: r.data_date ?? undefined,
    licence: r.licence ?? undefined,
    ranges: Number(r.ranges),
  }));
}

/** One address's enrichment from the loaded ranges, for an address that is no victim (not in hosts). */
export async function enrichOne(db: Db, ip: bigint): Promise<Record<string, unknown> | undefined> {
  return db.one(`WITH todo AS (SELECT $ip::UHUGEINT AS ip), ${ENRICHED}`, { ip: ip.toString() });
}
