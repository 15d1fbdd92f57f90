// The day fold: the sightings folded per victim and UTC day (table victim_days), kept with the
// victim fold (src/match/victim-fold.ts) in the same statements, so in the same transaction as the
// sightings. A sighting counts on every day its [first_seen, last_seen] touches, as it does in a
// census of that day; the victim's grade that day is the best of its (victim, indicator) pairs'
// grades from that day's sightings (PAIR_GRADE).
//
// Why: the daily trend asks for one count per day over a month. Spreading the sightings over their
// days and grading every victim-day at question time takes seconds on millions of sightings (on
// the demo store, 4.4M sightings are 3.5M victim-days); the fold is those rows, ready, and a change
// to the sightings refolds only the victim-days it touches.
import type { Driver } from '../driver.js';
import { sql, type Sql } from '../sql.js';
import { SIGHTING_GRADE } from './victim-sql.js';

/**
 * The rules the day fold was built with, kept in `meta` (key 'victim_days'): a store folded by a
 * build with other rules (or none) is folded whole when opened.
 */
const DAY_FOLD_LAYOUT = '1';

/** The days a sighting touches, in parts: nearly all lie within one day (most within their hour). */
const SINGLE_DAY = `date_trunc('day', first_seen) = date_trunc('day', last_seen)`;

/**
 * Rows (victim, indicator_id, day, g, t, f) of the sightings `where` selects, one per day each
 * touches. The directions are never NULL here, so that a pair's two directions on separate rows
 * make it two-way exactly as PAIR_GRADE's bool_or does.
 */
const sightingDays = (where: Sql): Sql => sql`
  SELECT victim, indicator_id, date_trunc('day', first_seen) AS day, ${sql.raw(SIGHTING_GRADE)} AS g,
         coalesce(to_indicator, false) AS t, coalesce(from_indicator, false) AS f
  FROM sightings WHERE (${where}) AND ${sql.raw(SINGLE_DAY)}
  UNION ALL
  SELECT victim, indicator_id, unnest(generate_series(date_trunc('day', first_seen), date_trunc('day', last_seen), INTERVAL 1 DAY)) AS day,
         ${sql.raw(SIGHTING_GRADE)} AS g, coalesce(to_indicator, false) AS t, coalesce(from_indicator, false) AS f
  FROM sightings WHERE (${where}) AND NOT ${sql.raw(SINGLE_DAY)}`;

/**
 * The grade of each victim-day of CTE `sd` (victim_days' columns, in a SELECT), computed as
 * VICTIM_GRADE_CTES does for a victim: the best `g` and a row with both directions settle most;
 * only the victim-days still one-way with rows in both directions are grouped by pair (`tw`).
 */
const DAY_GRADES = `
  d1 AS (
    SELECT victim, day, greatest(max(g), CASE WHEN bool_or(t AND f) THEN 2 ELSE 1 END) AS g0, bool_or(t) AND bool_or(f) AS both_ways
    FROM sd GROUP BY victim, day),
  tw AS (
    SELECT DISTINCT victim, day FROM (
      SELECT victim, day, indicator_id FROM sd SEMI JOIN (SELECT victim, day FROM d1 WHERE g0 = 1 AND both_ways) USING (victim, day)
      WHERE g = 1 AND t <> f
      GROUP BY victim, day, indicator_id HAVING bool_or(t) AND bool_or(f)))
  SELECT d1.victim, d1.day, CASE WHEN tw.victim IS NOT NULL THEN 2 ELSE d1.g0 END AS grade
  FROM d1 LEFT JOIN tw USING (victim, day)`;

/** Whether the stored day fold was built by these rules. */
export async function dayFoldCurrent(d: Driver): Promise<boolean> {
  return (await d.one(sql`SELECT 1 FROM meta WHERE key = 'victim_days' AND value = ${DAY_FOLD_LAYOUT}`)) !== undefined;
}

/** Folds every victim-day from the sightings, replacing the day fold. */
export async function refoldAllDays(d: Driver): Promise<void> {
  await d.run(sql`DELETE FROM victim_days`);
  // In day order: the trend's day range then reads a few row groups (zonemaps).
  await d.run(sql`INSERT INTO victim_days WITH sd AS (${sightingDays(sql`true`)}), ${sql.raw(DAY_GRADES)} ORDER BY day`);
  await d.run(sql`INSERT OR REPLACE INTO meta VALUES ('victim_days', ${DAY_FOLD_LAYOUT})`);
}

/** Names the victim-days of the sightings `where` selects in the temp table `fold_days_affected`, before they change. */
export async function noteFoldDays(d: Driver, where: Sql): Promise<void> {
  await d.run(sql`CREATE OR REPLACE TEMP TABLE fold_days_affected AS SELECT DISTINCT victim, day FROM (${sightingDays(where)})`);
}

/** Folds the victim-days in `fold_days_affected` again from their sightings (none left: their row goes). */
export async function refoldNotedDays(d: Driver): Promise<void> {
  const span = await d.one<{ lo: string | null; hi: string | null }>(
    sql`SELECT strftime(min(day), '%Y-%m-%dT%H:%M:%S') AS lo, strftime(max(day) + INTERVAL 1 DAY, '%Y-%m-%dT%H:%M:%S') AS hi FROM fold_days_affected`,
  );
  if (span?.lo && span.hi) {
    await d.run(sql`DELETE FROM victim_days USING fold_days_affected a WHERE victim_days.victim = a.victim AND victim_days.day = a.day`);
    // Only the sightings that touch the noted days are read: as constants, the bounds let the
    // zonemaps of the time-ordered sightings skip the other days.
    const touching = sql`last_seen >= ${span.lo}::TIMESTAMP AND first_seen < ${span.hi}::TIMESTAMP`;
    await d.run(
      sql`INSERT INTO victim_days
       WITH sd AS (SELECT * FROM (${sightingDays(touching)}) SEMI JOIN fold_days_affected USING (victim, day)), ${sql.raw(DAY_GRADES)}
       ORDER BY day`,
    );
  }
  await d.run(sql`DROP TABLE fold_days_affected`);
}
