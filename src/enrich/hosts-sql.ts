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
import { c, type Table } from '../store/schema.js';
import type { HostEnrichment } from '../store/store.js';
import { readMeta } from '../store/meta.js';
import { RANGE_LEVELS, RANGE_SPANS, type LevelSpans, type RangeLevels } from './ranges-sql.js';

const HOST_COLUMNS = ['ip', 'special', 'asn', 'as_org', 'country', 'source', 'asn_source', 'country_source'];

/** A level each range table uses, with its span (RANGE_SPANS) where the store recorded it. */
interface Level {
  level: number;
  lo?: bigint;
  hi?: bigint;
}

/** The levels each range table uses (written when the ranges load): an address needs its bucket at those only. */
async function rangeLevels(d: Driver): Promise<Record<'asn' | 'country', Level[]>> {
  const v = await readMeta(d, RANGE_LEVELS);
  const stored = v ? (JSON.parse(v) as RangeLevels) : { asn: [], country: [] };
  const s = await readMeta(d, RANGE_SPANS);
  const spans = s ? (JSON.parse(s) as LevelSpans) : undefined;
  // Only GEO_LEVELS' own numbers go into the query text.
  const known = (role: 'asn' | 'country'): Level[] =>
    stored[role]
      .filter((l) => (GEO_LEVELS as readonly number[]).includes(l))
      .map((level) => {
        const span = spans?.[role].find((x) => x[0] === level);
        return span ? { level, lo: BigInt(span[1]), hi: BigInt(span[2]) } : { level };
      });
  return { asn: known('asn'), country: known('country') };
}

/** The addresses to enrich, each with its special-purpose block (NULL for most). */
const TODO: Table = { name: 'enrich_todo', columns: [c('ip', 'address', true), c('special', 'text')] };
/** Every range holding an address (its width; `value`: the country), then those of its first provider. */
const CANDIDATES: Table = {
  name: 'enrich_candidates',
  columns: [c('ip', 'address', true), c('width', 'address', true), c('value', 'text'), c('asn', 'int64'), c('org', 'text'), c('src', 'uint16', true)],
};
/**
 * Each role's answer per address, and the reports' own AS and country. They are joined to the
 * addresses with outer joins, whose missing side engines fill differently (NULL, or 0 and ''):
 * `found` (always 1 where a row is) tells an answer from a missing one on every engine.
 */
const AS_ANSWERS: Table = {
  name: 'enrich_as',
  columns: [c('ip', 'address', true), c('a_asn', 'int64'), c('a_org', 'text'), c('a_source', 'text'), c('a_found', 'uint8', true)],
};
const COUNTRY_ANSWERS: Table = {
  name: 'enrich_country',
  columns: [c('ip', 'address', true), c('c_country', 'text'), c('c_source', 'text'), c('c_found', 'uint8', true)],
};
const REPORTED: Table = {
  name: 'enrich_reported',
  columns: [c('ip', 'address', true), c('r_asn', 'int64'), c('r_geo', 'text'), c('r_found', 'uint8', true)],
};

const cols = (names: string[]): Sql => sql.join(names.map((n) => sql.ident(n)));

/**
 * `ip, level, b` for every address of `todo` at each level whose span holds it. A special-purpose
 * address gets no answer, so it is looked up at none.
 */
function bucketKeys(d: Driver, todo: Sql, levels: Level[]): Sql {
  return sql.join(
    levels.map(({ level, lo, hi }) => {
      const l = sql.raw(String(level));
      const span = lo === undefined || hi === undefined ? sql.empty : sql` AND ip >= ${sql.address(lo)} AND ip <= ${sql.address(hi)}`;
      return sql`SELECT ip, ${l} AS level, ${d.dialect.networkStart(sql`ip`, l)} AS b FROM ${todo} WHERE special IS NULL${span}`;
    }),
    sql` UNION ALL `,
  );
}

/**
 * The rows of `from` (candidates) whose `column` is the least (`min`) or greatest (`max`) of their
 * address's rows: one equality join of the rows with their address's extreme.
 */
const extreme = (from: Sql, fn: 'min' | 'max', column: string): Sql =>
  sql`SELECT ip, width, value, asn, org, src FROM (${from}) x JOIN (SELECT ip, ${sql.raw(fn)}(${sql.ident(column)}) AS ${sql.ident(column)} FROM (${from}) y GROUP BY ip) e USING (ip, ${sql.ident(column)})`;

/**
 * Writes into `into` each address's answer for one role: from the first provider with a range
 * that holds it (lowest src), the narrowest such range (least width); equal ranges of one
 * provider (a data error) answer with the least value, its name from the same row.
 */
async function addAnswers(d: Driver, role: 'asn' | 'country', todo: Sql, levels: Level[], into: Sql): Promise<void> {
  if (levels.length === 0) return;
  const range = sql.ident(role === 'asn' ? 'geo_asn' : 'geo_country');
  const values = role === 'asn' ? sql`NULL, asn, org` : sql`country, NULL, NULL`;
  const providers = Number((await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM geo_sources WHERE role = ${role}`))?.n ?? 0);
  await d.withWorkTable(CANDIDATES, CANDIDATES.name, async (all) => {
    await d.run(
      sql`INSERT INTO ${all.ref} (ip, width, value, asn, org, src)
          SELECT ip, width, ${values}, src FROM (${bucketKeys(d, todo, levels)}) k JOIN ${range} USING (level, b) WHERE ip >= lo AND ip <= hi`,
    );
    await d.withWorkTable(CANDIDATES, `${CANDIDATES.name}_first`, async (first) => {
      // With one provider, every candidate is its own.
      if (providers > 1) await d.run(sql`INSERT INTO ${first.ref} (ip, width, value, asn, org, src) ${extreme(sql`SELECT * FROM ${all.ref}`, 'min', 'src')}`);
      const narrowest = extreme(sql`SELECT * FROM ${providers > 1 ? first.ref : all.ref}`, 'min', 'width');
      const q = d.dialect;
      if (role === 'asn') {
        // Aliases apart from the columns: an engine may read `asn` in argMin as the alias (an aggregate in an aggregate).
        const answer = sql`SELECT ip, min(asn) AS best_asn, ${q.argMin(sql`org`, sql`asn`)} AS best_org, min(src) AS src FROM (${narrowest}) n GROUP BY ip`;
        const named = sql`SELECT ip, best_asn, best_org, CASE WHEN best_asn IS NOT NULL THEN name END AS a_source FROM (${answer}) a JOIN geo_sources USING (src)`;
        // A provider without AS names (pfx2as) borrows the name geo_asn_names gives the AS.
        await d.run(
          sql`INSERT INTO ${into} (ip, a_asn, a_org, a_source, a_found)
              SELECT ip, best_asn, coalesce(best_org, CASE WHEN n_found = 1 THEN n_org END), a_source, 1
              FROM (${named}) a LEFT JOIN (SELECT asn AS best_asn, org AS n_org, 1 AS n_found FROM geo_asn_names) n USING (best_asn)`,
        );
      } else {
        const answer = sql`SELECT ip, min(value) AS value, min(src) AS src FROM (${narrowest}) n GROUP BY ip`;
        await d.run(
          sql`INSERT INTO ${into} (ip, c_country, c_source, c_found)
              SELECT ip, value, CASE WHEN value IS NOT NULL THEN name END, 1 FROM (${answer}) a JOIN geo_sources USING (src)`,
        );
      }
    });
  });
}

/** The special-purpose block of `ip` as one CASE over the few blocks (a range join costs far more). */
function specialCase(): Sql {
  return sql`CASE ${sql.join(
    SPECIAL_PURPOSE_RANGES.map((r) => sql`WHEN ip >= ${sql.address(r.lo)} AND ip <= ${sql.address(r.hi)} THEN ${r.label}`),
    sql` `,
  )} END`;
}

/**
 * Enriches the addresses `todo` selects (one column, ip) and hands `use` the query of their hosts
 * rows (HOST_COLUMNS), valid while `use` runs.
 */
async function withEnriched<T>(d: Driver, todo: Sql, use: (hosts: Sql) => Promise<T>): Promise<T> {
  const levels = await rangeLevels(d);
  return d.withWorkTable(TODO, TODO.name, (t) =>
    d.withWorkTable(AS_ANSWERS, AS_ANSWERS.name, (a) =>
      d.withWorkTable(COUNTRY_ANSWERS, COUNTRY_ANSWERS.name, (cc) =>
        d.withWorkTable(REPORTED, REPORTED.name, async (r) => {
          await d.run(sql`INSERT INTO ${t.ref} (ip, special) SELECT ip, ${specialCase()} FROM (${todo}) x`);
          await addAnswers(d, 'asn', t.ref, levels.asn, a.ref);
          await addAnswers(d, 'country', t.ref, levels.country, cc.ref);
          await d.run(
            sql`INSERT INTO ${r.ref} (ip, r_asn, r_geo, r_found)
                SELECT ip, min(asn), min(upper(geo)), 1 FROM reports r WHERE ${d.dialect.visibleRows(sql.ident('r'))} AND ip IN (SELECT ip FROM ${t.ref}) GROUP BY ip`,
          );
          // One outer join per SELECT; each side's columns are named apart.
          const withAs = sql`SELECT ip, special AS t_special, a_asn, a_org, a_source, a_found FROM ${t.ref} t LEFT JOIN ${a.ref} a USING (ip)`;
          const withCountry = sql`SELECT ip, t_special, a_asn, a_org, a_source, a_found, c_country, c_source, c_found FROM (${withAs}) x LEFT JOIN ${cc.ref} c USING (ip)`;
          const all = sql`SELECT ip, t_special, a_asn, a_org, a_source, a_found, c_country, c_source, c_found, r_asn, r_geo, r_found FROM (${withCountry}) y LEFT JOIN ${r.ref} r USING (ip)`;
          // Every alias differs from the names it is made of: an engine may read a name in the same
          // SELECT as the alias (ClickHouse does).
          const has = (found: string, value: string) => sql.raw(`CASE WHEN ${found} = 1 THEN ${value} END`);
          const e = sql`SELECT ip, t_special AS e_special,
                               coalesce(${has('a_found', 'a_asn')}, ${has('r_found', 'r_asn')}) AS e_asn, ${has('a_found', 'a_org')} AS e_as_org,
                               coalesce(${has('c_found', 'c_country')}, ${has('r_found', 'r_geo')}) AS e_country,
                               CASE WHEN a_found = 1 AND a_asn IS NOT NULL THEN a_source WHEN r_found = 1 AND r_asn IS NOT NULL THEN 'report' END AS e_asn_source,
                               CASE WHEN c_found = 1 AND c_country IS NOT NULL THEN c_source WHEN r_found = 1 AND r_geo IS NOT NULL THEN 'report' END AS e_country_source
                        FROM (${all}) z`;
          return use(sql`SELECT ip, e_special AS special,
               CASE WHEN e_special IS NULL THEN e_asn END AS asn, CASE WHEN e_special IS NULL THEN e_as_org END AS as_org,
               CASE WHEN e_special IS NULL THEN e_country END AS country,
               CASE WHEN e_special IS NOT NULL THEN 'special-purpose' ELSE coalesce(e_asn_source, e_country_source) END AS source,
               CASE WHEN e_special IS NULL THEN e_asn_source END AS asn_source, CASE WHEN e_special IS NULL THEN e_country_source END AS country_source
        FROM (${e}) e`);
        }),
      ),
    ),
  );
}

/**
 * Enriches victims not yet in `hosts` (only those of one telemetry import when given, so the
 * cost follows the import, not the store); returns how many were added.
 */
export async function enrichHosts(d: Driver, importId?: number): Promise<number> {
  const count = async () => Number((await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM hosts`))!.n);
  const before = await count();
  const scope = importId === undefined ? sql`1 = 1` : sql`import_id = ${importId}`;
  // GROUP BY, not DISTINCT: ClickHouse 18.16's DISTINCT returned an address twice here (sightings in two parts).
  const todo = sql`SELECT victim AS ip FROM sightings s WHERE ${d.dialect.visibleRows(sql.ident('s'))} AND ${scope} AND victim NOT IN (SELECT ip FROM hosts) GROUP BY victim`;
  // In address order: a lookup of one address then reads the few blocks whose range holds it.
  await withEnriched(d, todo, (hosts) => d.run(sql`INSERT INTO hosts (${cols(HOST_COLUMNS)}) ${hosts} ORDER BY ip`));
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
    (await withEnriched(d, sql`SELECT ${sql.address(ip)} AS ip`, (hosts) => d.one<RawHost>(hosts)));
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
