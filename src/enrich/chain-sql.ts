// Which providers a store enriches from: the chain of files it was told about (`enrich --geo/
// --asn`, kept in `meta`), and the providers loaded, in the order they are asked.
import type { GeoChain } from '../core/geo-data.js';
import type { Driver } from '../store/driver.js';
import { sql } from '../store/sql.js';
import type { EnrichmentSource } from '../store/store.js';

export async function geoChain(d: Driver): Promise<GeoChain> {
  const r = await d.one<{ value: string | null }>(sql`SELECT value FROM meta WHERE key = 'geo_chain'`);
  return r?.value ? (JSON.parse(r.value) as GeoChain) : { asn: [], country: [] };
}

/** Remembers the chain; the next enrichment loads it. */
export async function setGeoChain(d: Driver, chain: GeoChain): Promise<void> {
  await d.run(d.dialect.replaceInto('meta', ['key', 'value'], sql`VALUES ('geo_chain', ${JSON.stringify(chain)})`));
}

/** The providers loaded, in the order they are asked. */
export async function enrichmentSources(d: Driver): Promise<EnrichmentSource[]> {
  const rows = await d.all<{ role: 'asn' | 'country'; name: string; file: string | null; data_date: string | null; licence: string | null; ranges: bigint | number }>(
    sql`SELECT role, name, file, data_date, licence, ranges FROM geo_sources ORDER BY src`,
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
