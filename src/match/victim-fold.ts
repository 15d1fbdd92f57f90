// The victim fold: the sightings folded per victim over all time (table victim_fold), written in
// the same statement sequence, and so the same transaction, as the sightings it folds. Every
// change to the sightings goes through match-sql.ts, which names the victims it touches and
// folds them again once the sightings have changed (refoldVictimsOf). A touched victim is folded
// again from all its sightings (its grade can depend on a pair's directions seen in two
// imports); the others keep their rows, so keeping the fold costs what the import touches, not
// what the store holds. The day fold (victim_days, day-fold.ts) is kept in the same calls.
//
// Why: a census asks for the all-time window (and derives shorter ones from it). On a store of
// 100M flows and 1.2M sightings, grouping the sightings per victim was 0.45 s of the 0.8 s that
// window took to build; with the fold it is a read of one row per victim.
//
// Written once for every engine (fold-rows.ts says how the rows are replaced on each).
import type { Driver, WorkTable } from '../store/driver.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { sql, type Sql } from '../store/sql.js';
import { dayFoldCurrent, noteFoldDays, refoldAllDays, refoldNotedDays } from './day-fold.js';
import { gradedSightings, GROUP_BOTH_WAYS, GROUP_GRADE, pairsSeenBothWays, writeFolded } from './fold-rows.js';
import { FOLD_AFFECTED, FOLD_DAYS_AFFECTED, FOLD_VICTIM_GRADES } from './work-tables.js';

/**
 * The rules the fold was built with, kept in `meta` (key 'victim_fold'): a store folded by a build
 * with other rules (or none: a store from before the fold) is folded whole when opened.
 */
const FOLD_LAYOUT = '1';

const FOLD_COLUMNS = ['victim', 'grade', 'device', 'first_seen', 'last_seen', 'first_end', 'last_start', 'events'];

/** Folds every victim (and victim-day) anew when the stored fold was built by other rules (or never). */
export async function ensureVictimFold(d: Driver): Promise<void> {
  if ((await readMeta(d, 'victim_fold')) !== FOLD_LAYOUT) await d.atomically(() => refoldAll(d));
  else if (!(await dayFoldCurrent(d))) await d.atomically(() => refoldAllDays(d));
}

/** Folds every victim and victim-day from the sightings, replacing the folds (tests compare them with the kept ones). */
export async function refoldAll(d: Driver): Promise<void> {
  await refoldAllDays(d);
  await refoldVictims(d, undefined);
  await writeMeta(d, 'victim_fold', FOLD_LAYOUT);
}

/**
 * Folds the victims of the sightings `where` selects (a condition over the sightings' own column
 * names) again, around `change` (which adds or deletes sightings): their victims are named before
 * it, and folded from their sightings after it (none left: their row goes).
 */
export async function refoldVictimsOf(d: Driver, where: Sql, change?: () => Promise<void>): Promise<void> {
  await d.withWorkTable(FOLD_AFFECTED, FOLD_AFFECTED.name, (affected) =>
    d.withWorkTable(FOLD_DAYS_AFFECTED, FOLD_DAYS_AFFECTED.name, async (days) => {
      // The victims are those of the victim-days: one read of the sightings for both folds.
      await noteFoldDays(d, days, where);
      await d.run(sql`INSERT INTO ${affected.ref} (victim) SELECT victim FROM ${days.ref} GROUP BY victim`);
      await change?.();
      await refoldVictims(d, affected);
      await refoldNotedDays(d, days);
    }),
  );
}

/** Folds the victims in `affected` (undefined: every victim) again from their sightings. */
async function refoldVictims(d: Driver, affected: WorkTable | undefined): Promise<void> {
  const scope = affected ? sql`s.victim IN (SELECT victim FROM ${affected.ref})` : sql`1 = 1`;
  await d.withWorkTable(FOLD_VICTIM_GRADES, FOLD_VICTIM_GRADES.name, async (grades) => {
    // Names apart from the columns read: an alias is global in a ClickHouse query.
    await d.run(
      sql`INSERT INTO ${grades.ref} (victim, g0, both_ways, device, fs, ls, first_end, last_start, events)
          SELECT victim, ${GROUP_GRADE} AS x_g0, ${GROUP_BOTH_WAYS} AS x_both, max(dev) AS x_dev, min(f0) AS x_fs, max(l0) AS x_ls,
                 min(l0) AS x_first_end, max(f0) AS x_last_start, sum(events) AS x_events
          FROM (${gradedSightings(scope)}) r GROUP BY victim`,
    );
    const undecided = sql`s.victim IN (SELECT victim FROM ${grades.ref} WHERE g0 = 1 AND both_ways = 1)`;
    const fresh = sql`SELECT victim, greatest(g0, CASE WHEN victim IN (${pairsSeenBothWays(gradedSightings(undecided))}) THEN 2 ELSE 1 END) AS x_grade,
                             device, fs, ls, first_end, last_start, events
                      FROM ${grades.ref}`;
    // A victim none of whose sightings is left: folded as grade 0 where rows are replaced, not deleted.
    const folded = (alias: string) => sql`${sql.raw(alias)}.victim NOT IN (SELECT victim FROM ${grades.ref})`;
    const none = (alias: string) =>
      sql`SELECT ${sql.raw(alias)}.victim AS victim, 0 AS x_grade, NULL AS x_device, ${epoch} AS x_fs, ${epoch} AS x_ls, ${epoch} AS x_first_end,
                 ${epoch} AS x_last_start, 0 AS x_events`;
    const gone = affected
      ? sql`${none('a')} FROM ${affected.ref} a WHERE ${folded('a')}`
      : sql`${none('v')} FROM victim_fold v WHERE ${sql.dialect((l) => l.visibleRows(sql`v`))} AND v.grade > 0 AND ${folded('v')}`;
    await writeFolded(d, {
      table: 'victim_fold',
      columns: FOLD_COLUMNS,
      fresh,
      remove: affected ? sql`DELETE FROM victim_fold WHERE victim IN (SELECT victim FROM ${affected.ref})` : sql`DELETE FROM victim_fold`,
      gone,
    });
  });
}

/** The time of a row of grade 0, which no reader reads. */
const epoch = sql.dialect((l) => l.fromEpochMs(sql`0`));
