// Two figures of the victims as a whole, written once over the driver: how many addresses were
// ever victims, and the time of the latest sighting (the reference of "the last 24 hours").
import type { Driver } from '../store/driver.js';
import { sql } from '../store/sql.js';

/** Distinct victim addresses ever seen (warninglisted ones too): the rows of the all-time victim fold (grade 0: none left). */
export async function victimCount(d: Driver): Promise<number> {
  const r = await d.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM victim_fold v WHERE ${d.dialect.visibleRows(sql.ident('v'))} AND v.grade > 0`);
  return Number(r?.n ?? 0);
}

/** Latest event time among sightings, epoch ms, or undefined for a store with none. */
export async function latestSighting(d: Driver): Promise<number | undefined> {
  const r = await d.one<{ t: Date | null; n: unknown }>(
    sql`SELECT max(s.last_seen) AS t, count(*) AS n FROM sightings s WHERE ${d.dialect.visibleRows(sql.ident('s'))}`,
  );
  // No sightings: NULL on DuckDB, zero on ClickHouse.
  return r && Number(r.n) > 0 && r.t ? r.t.getTime() : undefined;
}
