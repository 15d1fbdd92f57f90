// The providers' ranges in the store's range tables, loaded once per data version: the chain's
// providers first, in order, then the zero-setup files, each under its place in the chain (src).
// Every range is stored once per bucket it overlaps (core/geo-buckets.ts). Written once over the
// driver contract; an engine that reads the zero-setup CSV files itself does so (a fast path).
import { bucketStart, geoBuckets } from '../core/geo-buckets.js';
import { IP_LOCATION_DB, openChain, type GeoRange, type GeoRole, type GeoSource, type RangeProvider } from '../core/geo-data.js';
import { numericRanges } from '../core/range-files.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { geoChain } from './chain-sql.js';

/** How the range tables are laid out, part of the stored version: a store with another layout reloads. */
const GEO_LAYOUT = 'levels2-chain-special1-width';
/** Range rows loaded at a time. */
const BATCH = 50_000;

const RANGE_TABLES = { asn: 'geo_asn', country: 'geo_country' } as const;

/** The `meta` key of the levels each range table uses, kept with the ranges. */
export const RANGE_LEVELS = 'geo_levels';
export type RangeLevels = Record<GeoRole, number[]>;
/**
 * The `meta` key of each level's span, kept with the ranges: per role, [level, least lo, greatest
 * hi] (decimal). An address outside a level's span has no range there, so it needs no bucket at
 * that level: an IPv4 address none of the IPv6 levels, an IPv6 one none of the IPv4 levels.
 */
export const RANGE_SPANS = 'geo_level_spans';
export type LevelSpans = Record<GeoRole, [number, string, string][]>;

async function spansOf(d: Driver, role: GeoRole): Promise<[number, string, string][]> {
  const rows = await d.all<{ level: number | bigint; lo: bigint; hi: bigint }>(
    sql`SELECT level, min(lo) AS lo, max(hi) AS hi FROM ${sql.ident(RANGE_TABLES[role])} GROUP BY level`,
  );
  return rows.map((r): [number, string, string] => [Number(r.level), String(r.lo), String(r.hi)]).sort((a, b) => a[0] - b[0]);
}

/** Loads ranges into a role's range table, once per bucket each overlaps; returns how many ranges. */
export async function loadRanges(d: Driver, role: GeoRole, src: number, ranges: AsyncIterable<GeoRange> | Iterable<GeoRange>): Promise<number> {
  const into = table(RANGE_TABLES[role]);
  let rows: Record<string, unknown>[] = [];
  let n = 0;
  for await (const r of ranges) {
    n++;
    const { level, first, last } = geoBuckets(r.lo, r.hi);
    for (let b = first; b <= last; b++) rows.push({ level, b: bucketStart(level, b), lo: r.lo, hi: r.hi, width: r.hi - r.lo, asn: r.asn, org: r.org, country: r.country, src });
    if (rows.length >= BATCH) {
      await d.load(into, rows);
      rows = [];
    }
  }
  if (rows.length) await d.load(into, rows);
  return n;
}

/** The zero-setup numeric CSV files of a role: read by the engine itself where it can, else line by line. */
async function loadFallback(store: Pick<Store, 'driver' | 'files'>, geo: GeoSource, role: GeoRole, src: number): Promise<number> {
  const files = role === 'asn' ? [...geo.asnV4.map((f) => ({ f, v4: true })), ...geo.asnV6.map((f) => ({ f, v4: false }))]
    : [...geo.countryV4.map((f) => ({ f, v4: true })), ...geo.countryV6.map((f) => ({ f, v4: false }))];
  let n = 0;
  for (const { f, v4 } of files) {
    const fast = await store.files?.loadNumericRanges(f, { role, src, v4 });
    n += fast ?? (await loadRanges(store.driver, role, src, numericRanges(f, role, v4)));
  }
  return n;
}

async function addSource(d: Driver, row: { src: number; role: GeoRole; name: string; file?: string; data_date?: string; licence?: string; ranges: number }): Promise<void> {
  await d.load(table('geo_sources'), [row]);
}

/**
 * Loads the range tables if the store holds another version (or none, or `force`). Every stored
 * enrichment is dropped then, to be done again from the new data. Returns whether it loaded.
 */
export async function ensureRanges(store: Pick<Store, 'driver' | 'files' | 'geoSource'>, force = false): Promise<boolean> {
  const d = store.driver;
  const fallback = store.geoSource;
  const providers: RangeProvider[] = openChain(await geoChain(d));
  const version = [GEO_LAYOUT, fallback.version, ...providers.map((p) => `${p.role}=${p.version}`)].join('|');
  if (!force && (await readMeta(d, 'geo_version')) === version) return false;
  // Two enrichments at once (two imports ending together) load the ranges once, one after the other.
  return d.exclusive(async () => {
    if (!force && (await readMeta(d, 'geo_version')) === version) return false;
    await loadAllRanges(store, providers, version);
    return true;
  });
}

async function loadAllRanges(store: Pick<Store, 'driver' | 'files' | 'geoSource'>, providers: RangeProvider[], version: string): Promise<void> {
  const d = store.driver;
  const fallback = store.geoSource;
  for (const t of ['geo_asn', 'geo_country', 'geo_asn_names', 'geo_sources']) await d.run(sql`DELETE FROM ${sql.ident(t)}`);
  let src = 0;
  for (const role of ['asn', 'country'] as GeoRole[]) {
    for (const p of providers.filter((x) => x.role === role)) {
      const ranges = await loadRanges(d, role, src, p.ranges());
      await addSource(d, { src: src++, role, name: p.name, file: p.file, data_date: p.dataDate, licence: p.licence, ranges });
    }
    const ranges = await loadFallback(store, fallback, role, src);
    await addSource(d, { src: src++, role, name: IP_LOCATION_DB[role], data_date: fallback.dataDate, licence: IP_LOCATION_DB.licence, ranges });
  }
  // A provider without AS names (pfx2as) borrows the name the first naming provider gives the AS.
  await d.run(
    sql`INSERT INTO geo_asn_names (asn, org)
        SELECT asn, ${d.dialect.argMin(sql`org`, sql`src`)} FROM geo_asn WHERE org IS NOT NULL AND asn IS NOT NULL GROUP BY asn`,
  );
  const spans: LevelSpans = { asn: await spansOf(d, 'asn'), country: await spansOf(d, 'country') };
  const levels: RangeLevels = { asn: spans.asn.map((s) => s[0]), country: spans.country.map((s) => s[0]) };
  await writeMeta(d, RANGE_LEVELS, JSON.stringify(levels));
  await writeMeta(d, RANGE_SPANS, JSON.stringify(spans));
  await writeMeta(d, 'geo_version', version);
  // Addresses enriched from older data are enriched again; the version tells cached answers.
  await d.run(sql`DELETE FROM hosts`);
  await writeMeta(d, 'hosts_version', String(Date.now()));
}
