// The day fold: the sightings folded per victim and UTC day (table victim_days), kept with the
// victim fold (victim-fold.ts) in the same statements, so in the same transaction as the
// sightings. A sighting counts on every day its [first_seen, last_seen] touches, as it does in a
// census of that day; the victim's grade that day is the best of its (victim, indicator) pairs'
// grades from that day's sightings (fold-rows.ts).
//
// Why: the daily trend asks for one count per day over a month. Spreading the sightings over their
// days and grading every victim-day at question time takes seconds on millions of sightings (on
// the demo store, 4.4M sightings are 3.5M victim-days); the fold is those rows, ready, and a change
// to the sightings refolds only the victim-days it touches.
import type { Driver, WorkTable } from '../store/driver.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { sql, type Sql } from '../store/sql.js';
import { gradedSightings, GROUP_BOTH_WAYS, GROUP_GRADE, pairsSeenBothWays, writeFolded } from './fold-rows.js';
import { DAY_OFFSETS, FOLD_DAY_GRADES } from './work-tables.js';

/**
 * The rules the day fold was built with, kept in `meta` (key 'victim_days'): a store folded by a
 * build with other rules (or none) is folded whole when opened.
 */
const DAY_FOLD_LAYOUT = '1';
const DAY = 86_400_000;

const dayOf = (ts: Sql): Sql => sql.dialect((l) => l.timeBucket('day', ts));
const msOf = (ts: Sql): Sql => sql.dialect((l) => l.epochMs(ts));

/** The days a sighting touches, in parts: nearly all lie within one day (most within their hour). */
const SINGLE_DAY = sql`${dayOf(sql`s.first_seen`)} = ${dayOf(sql`s.last_seen`)}`;

/** Of `where`'s sightings (gradedSightings), one row (victim, indicator_id, day, g, t, f, tf) per UTC day each touches. */
type SightingDays = (where: Sql) => Sql;

/**
 * Calls `fn` with SightingDays for sightings within `scope` (a condition the `where`s given to it
 * narrow): a sighting across midnight is spread over its days by a join with the day offsets its
 * longest such sighting needs.
 */
async function withSightingDays<T>(d: Driver, scope: Sql, fn: (days: SightingDays) => Promise<T>): Promise<T> {
  const spanning = (where: Sql) =>
    gradedSightings(sql`(${where}) AND NOT (${SINGLE_DAY})`, sql`, ${msOf(dayOf(sql`s.first_seen`))} AS d0, ${msOf(dayOf(sql`s.last_seen`))} AS d1`);
  const longest = await d.one<{ span: unknown; n: unknown }>(sql`SELECT max(d1 - d0) AS span, count(*) AS n FROM (${spanning(scope)}) r`);
  const days = Number(longest?.n ?? 0) > 0 ? Math.round(Number(longest!.span) / DAY) : 0;
  return d.withWorkTable(DAY_OFFSETS, DAY_OFFSETS.name, async (offsets) => {
    if (days > 0) await d.load({ ...DAY_OFFSETS, name: offsets.name }, Array.from({ length: days + 1 }, (_, i) => ({ day_offset: i })));
    return fn(
      (where) => sql`
        SELECT r.victim AS victim, r.indicator_id AS indicator_id, r.day AS day, r.g AS g, r.t AS t, r.f AS f, r.tf AS tf
        FROM (${gradedSightings(sql`(${where}) AND ${SINGLE_DAY}`, sql`, ${dayOf(sql`s.first_seen`)} AS day`)}) r
        UNION ALL
        SELECT r.victim AS victim, r.indicator_id AS indicator_id, ${dayOf(sql.dialect((l) => l.fromEpochMs(sql`r.d0 + o.day_offset * ${sql.raw(String(DAY))}`)))} AS day,
               r.g AS g, r.t AS t, r.f AS f, r.tf AS tf
        FROM (${spanning(where)}) r CROSS JOIN ${offsets.ref} o
        WHERE o.day_offset * ${sql.raw(String(DAY))} <= r.d1 - r.d0`,
    );
  });
}

/** Whether the stored day fold was built by these rules. */
export async function dayFoldCurrent(d: Driver): Promise<boolean> {
  return (await readMeta(d, 'victim_days')) === DAY_FOLD_LAYOUT;
}

/** Folds every victim-day from the sightings, replacing the day fold. */
export async function refoldAllDays(d: Driver): Promise<void> {
  const every = sql`1 = 1`;
  const stored = sql`(SELECT y.victim AS victim, y.day AS day FROM victim_days y WHERE ${sql.dialect((l) => l.visibleRows(sql`y`))} AND y.grade > 0)`;
  await foldDays(d, every, undefined, stored, sql`DELETE FROM victim_days`);
  await writeMeta(d, 'victim_days', DAY_FOLD_LAYOUT);
}

/** Names the victim-days of the sightings `where` selects in `days` (FOLD_DAYS_AFFECTED), before they change. */
export async function noteFoldDays(d: Driver, days: WorkTable, where: Sql): Promise<void> {
  await withSightingDays(d, where, (of) => d.run(sql`INSERT INTO ${days.ref} (victim, day) SELECT victim, day FROM (${of(where)}) x GROUP BY victim, day`));
}

/** Folds the victim-days in `days` again from their sightings (none left: their row goes). */
export async function refoldNotedDays(d: Driver, days: WorkTable): Promise<void> {
  const span = await d.one<{ lo: unknown; hi: unknown; n: unknown }>(
    sql`SELECT min(${msOf(sql`a.day`)}) AS lo, max(${msOf(sql`a.day`)}) AS hi, count(*) AS n FROM ${days.ref} a`,
  );
  if (!span || Number(span.n) === 0) return;
  // Only the sightings that touch the noted days are read: as constants, the bounds let the
  // zonemaps of the time-ordered sightings skip the other days.
  const touching = sql`s.last_seen >= ${sql.time(Number(span.lo))} AND s.first_seen < ${sql.time(Number(span.hi) + DAY)}`;
  const remove = sql`DELETE FROM victim_days USING ${days.ref} a WHERE victim_days.victim = a.victim AND victim_days.day = a.day`;
  await foldDays(d, touching, days, days.ref, remove);
}

/**
 * Folds the victim-days of the sightings `scope` selects (only those in `noted` when given) into
 * victim_days; `keys` (victim, day) are the days folded again, `remove` deletes their stale rows.
 */
async function foldDays(d: Driver, scope: Sql, noted: WorkTable | undefined, keys: Sql, remove: Sql): Promise<void> {
  await withSightingDays(d, scope, (of) =>
    d.withWorkTable(FOLD_DAY_GRADES, FOLD_DAY_GRADES.name, async (grades) => {
      await d.run(
        sql`INSERT INTO ${grades.ref} (victim, day, g0, both_ways)
            SELECT victim, day, ${GROUP_GRADE} AS x_g0, ${GROUP_BOTH_WAYS} AS x_both
            FROM (${of(scope)}) r${noted ? sql` JOIN ${noted.ref} USING (victim, day)` : sql.empty}
            GROUP BY victim, day`,
      );
      const undecided = sql`(${scope}) AND s.victim IN (SELECT victim FROM ${grades.ref} WHERE g0 = 1 AND both_ways = 1)`;
      const twoWay = sql`(SELECT victim, day, 1 AS found FROM (${pairsSeenBothWays(of(undecided), sql`, day`)}) p)`;
      const folded = sql`(SELECT victim, day, 1 AS found FROM ${grades.ref})`;
      await writeFolded(d, {
        table: 'victim_days',
        columns: ['victim', 'day', 'grade'],
        fresh: sql`SELECT victim, day, greatest(g0, CASE WHEN found = 1 THEN 2 ELSE 1 END) AS x_grade FROM ${grades.ref} LEFT JOIN ${twoWay} w USING (victim, day)`,
        // In day order: the trend's day range then reads a few row groups (zonemaps).
        order: sql`day`,
        remove,
        gone: sql`SELECT victim, day, 0 AS x_grade FROM ${keys} k LEFT JOIN ${folded} x USING (victim, day) WHERE coalesce(found, 0) = 0`,
      });
    }),
  );
}
