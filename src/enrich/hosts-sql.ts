// Offline enrichment of victim addresses from the loaded range tables (ranges-sql.ts), written once
// over the driver contract: each address finds the ranges that hold it by an equality join on its
// bucket at each level the tables use (core/geo-buckets.ts); per role, the first provider with an
// answer (lowest src) wins, and within it the narrowest range. Special-purpose addresses (private,
// shared, documentation, ...) get neither country nor AS, whatever a provider says; reports that
// carry their own AS and country answer where no provider does.
import { GEO_LEVELS } from '../core/geo-buckets.js';
import { SPECIAL_PURPOSE_RANGES } from '../core/special-purpose.js';
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import type { HostEnrichment } from '../store/store.js';
import { readMeta } from '../store/meta.js';
import { RANGE_LEVELS, type RangeLevels } from './ranges-sql.js';

const HOST_COLUMNS = ['ip', 'special', 'asn', 'as_org', 'country', 'source', 'asn_source', 'country_source'];

/** The levels each range table uses (written when the ranges load): an address needs its bucket at those only. */
async function rangeLevels(d: Driver): Promise<RangeLevels> {
  const v = await readMeta(d, RANGE_LEVELS);
  const stored = v ? (JSON.parse(v) as RangeLevels) : { asn: [], country: [] };
  // Only GEO_LEVELS' own numbers go into the query text.
  const known = (ls: number[]) => ls.filter((l) => (GEO_LEVELS as readonly number[]).includes(l));
  return { asn: known(stored.asn), country: known(stored.country) };
}

/** `ip, level, b` for every address of `todo` at each level. */
function bucketKeys(d: Driver, levels: number[]): Sql {
  if (levels.length === 0) return sql`SELECT ip, 0 AS level, ip AS b FROM todo WHERE 1 = 0`;
  return sql.join(
    levels.map((l) => sql`SELECT ip, ${sql.raw(String(l))} AS level, ${d.dialect.networkStart(sql`ip`, sql.raw(String(l)))} AS b FROM todo`),
    sql` UNION ALL `,
  );
}

/**
 * CTEs `<name>` (ip, <value columns>, src): per address, the answer of the first provider that
 * has one, from its narrowest range holding the address. `values`' first column orders ties.
 */
function answers(d: Driver, name: string, rangeTable: string, values: string[], levels: number[]): Sql {
  const g = sql.raw(values.map((x) => `g.${x}`).join(', '));
  // Equal ranges of one provider (a data error) answer with the least value, its other columns from the same row.
  const [first0, ...rest] = values;
  const folded = sql.join([sql.raw(`min(${first0}) AS ${first0}`), ...rest.map((x) => sql`${d.dialect.argMin(sql.raw(x), sql.raw(first0!))} AS ${sql.raw(x)}`)]);
  const [k, cand, first, narrow] = ['k', 'cand', 'first', 'narrow'].map((s) => sql.raw(`${name}_${s}`));
  return sql`${k} AS (${bucketKeys(d, levels)}),
    ${cand} AS (SELECT k.ip, ${g}, g.src, g.hi - g.lo AS width
                FROM ${k} k JOIN ${sql.ident(rangeTable)} g USING (level, b) WHERE k.ip >= g.lo AND k.ip <= g.hi),
    ${first} AS (SELECT ip, min(src) AS src FROM ${cand} GROUP BY ip),
    ${narrow} AS (SELECT ip, src, min(width) AS width FROM ${cand} JOIN ${first} USING (ip, src) GROUP BY ip, src),
    ${sql.raw(name)} AS (SELECT ip, ${folded}, min(src) AS src FROM ${cand} JOIN ${narrow} USING (ip, src, width) GROUP BY ip)`;
}

/** The special-purpose block of `ip` as one CASE over the few blocks (a range join costs far more). */
function specialCase(): Sql {
  return sql`CASE ${sql.join(
    SPECIAL_PURPOSE_RANGES.map((r) => sql`WHEN ip >= ${sql.address(r.lo)} AND ip <= ${sql.address(r.hi)} THEN ${r.label}`),
    sql` `,
  )} END`;
}

/** The hosts rows (HOST_COLUMNS) of the addresses `todo` selects (one column, ip). */
async function enriched(d: Driver, todo: Sql): Promise<Sql> {
  const levels = await rangeLevels(d);
  return sql`WITH todo AS (${todo}),
    ${answers(d, 'a', 'geo_asn', ['asn', 'org'], levels.asn)},
    ${answers(d, 'c', 'geo_country', ['country'], levels.country)},
    sp AS (SELECT ip, label FROM (SELECT ip, ${specialCase()} AS label FROM todo) x WHERE label IS NOT NULL),
    r AS (SELECT ip, min(asn) AS asn, min(upper(geo)) AS geo FROM reports WHERE ip IN (SELECT ip FROM todo) GROUP BY ip),
    e AS (
      SELECT t.ip AS ip, sp.label AS special, coalesce(a.asn, r.asn) AS asn, coalesce(a.org, n.org) AS as_org, coalesce(c.country, r.geo) AS country,
             CASE WHEN a.asn IS NOT NULL THEN sa.name WHEN r.asn IS NOT NULL THEN 'report' END AS asn_source,
             CASE WHEN c.country IS NOT NULL THEN sc.name WHEN r.geo IS NOT NULL THEN 'report' END AS country_source
      FROM todo t LEFT JOIN sp ON sp.ip = t.ip LEFT JOIN a ON a.ip = t.ip LEFT JOIN c ON c.ip = t.ip LEFT JOIN r ON r.ip = t.ip
      LEFT JOIN geo_asn_names n ON n.asn = a.asn LEFT JOIN geo_sources sa ON sa.src = a.src LEFT JOIN geo_sources sc ON sc.src = c.src)
    SELECT ip, special,
           CASE WHEN special IS NULL THEN asn END AS asn, CASE WHEN special IS NULL THEN as_org END AS as_org,
           CASE WHEN special IS NULL THEN country END AS country,
           CASE WHEN special IS NOT NULL THEN 'special-purpose' ELSE coalesce(asn_source, country_source) END AS source,
           CASE WHEN special IS NULL THEN asn_source END AS asn_source, CASE WHEN special IS NULL THEN country_source END AS country_source
    FROM e`;
}

/**
 * Enriches victims not yet in `hosts` (only those of one telemetry import when given, so the
 * cost follows the import, not the store); returns how many were added.
 */
export async function enrichHosts(d: Driver, importId?: number): Promise<number> {
  const count = async () => Number((await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM hosts`))!.n);
  const before = await count();
  const scope = importId === undefined ? sql`1 = 1` : sql`import_id = ${importId}`;
  const todo = sql`SELECT DISTINCT victim AS ip FROM sightings WHERE ${scope} AND victim NOT IN (SELECT ip FROM hosts)`;
  // In address order: a lookup of one address then reads the few blocks whose range holds it.
  await d.run(sql`INSERT INTO hosts (${sql.join(HOST_COLUMNS.map((c) => sql.ident(c)))}) ${await enriched(d, todo)} ORDER BY ip`);
  return (await count()) - before;
}

type RawHost = { asn: bigint | number | null; as_org: string | null; country: string | null; source: string | null; special: string | null; asn_source: string | null; country_source: string | null };

/**
 * An address's enrichment with where each part came from: its hosts row when it is a victim,
 * else the same enrichment done now from the loaded ranges.
 */
export async function hostEnrichment(d: Driver, ip: bigint): Promise<HostEnrichment | undefined> {
  const h =
    (await d.one<RawHost>(sql`SELECT * FROM hosts WHERE ip = ${sql.address(ip)}`)) ??
    (await d.one<RawHost>(await enriched(d, sql`SELECT ${sql.address(ip)} AS ip`)));
  if (!h || (h.source === null && h.special === null)) return undefined;
  const dates = new Map(
    (await d.all<{ role: string; name: string; data_date: string | null }>(sql`SELECT role, name, data_date FROM geo_sources`)).map((r) => [
      `${r.role}:${r.name}`,
      r.data_date ?? undefined,
    ]),
  );
  const opt = <T>(x: T | null) => x ?? undefined;
  return {
    asn: h.asn === null ? undefined : Number(h.asn),
    asOrg: opt(h.as_org),
    country: opt(h.country),
    source: opt(h.source),
    special: opt(h.special),
    asnSource: opt(h.asn_source),
    asnDataDate: h.asn_source ? dates.get(`asn:${h.asn_source}`) : undefined,
    countrySource: opt(h.country_source),
    countryDataDate: h.country_source ? dates.get(`country:${h.country_source}`) : undefined,
  };
}
