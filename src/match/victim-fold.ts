// The victim fold: the sightings folded per victim over all time (table victim_fold), written in
// the same statement sequence, and so the same transaction, as the sightings it folds. Every
// change to the sightings goes through match-sql.ts, which names the victims it touches and
// folds them again once the sightings have changed (refoldVictimsOf). A touched victim is folded
// again from all its sightings (its grade can depend on a pair's directions seen in two
// imports); the others keep their rows, so keeping the fold costs what the import touches, not
// what the store holds. The day fold (victim_days) is kept in the same calls.
//
// Why: a census asks for the all-time window (and derives shorter ones from it). On a store of
// 100M flows and 1.2M sightings, grouping the sightings per victim was 0.45 s of the 0.8 s that
// window took to build; with the fold it is a read of one row per victim.
//
// The grades (victimGradesOfSightings) and the day fold are the census's rules, still written in
// DuckDB's SQL (src/store/duckdb/victim-sql.ts, day-fold-sql.ts).
import { BotcensusError } from '../core/errors.js';
import type { Driver } from '../store/driver.js';
import { dayFoldCurrent, noteFoldDays, refoldAllDays, refoldNotedDays } from '../store/duckdb/day-fold-sql.js';
import { victimGradesOfSightings } from '../store/duckdb/victim-sql.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { sql, type Sql } from '../store/sql.js';
import { FOLD_AFFECTED } from './work-tables.js';

/**
 * The rules the fold was built with, kept in `meta` (key 'victim_fold'): a store folded by a build
 * with other rules (or none: a store from before the fold) is folded whole when opened.
 */
const FOLD_LAYOUT = '1';

const FOLD_COLUMNS = sql.raw('victim, grade, device, first_seen, last_seen, first_end, last_start, events');
const FOLD_SELECT = sql.raw('victim, grade, device, f AS first_seen, l AS last_seen, first_end, last_start, events');

/**
 * Matching keeps the folds in the same calls, and their rules are still DuckDB's SQL: an import on
 * another engine is refused in one plain line before it reads anything, not failed by a syntax error.
 */
export function checkFoldKept(d: Driver): void {
  if (d.dialect.name !== 'DuckDB') throw new BotcensusError('UNSUPPORTED', `not on ${d.dialect.name} yet: matching's victim fold (intel import, ingest of telemetry)`);
}

/** Folds every victim (and victim-day) anew when the stored fold was built by other rules (or never). */
export async function ensureVictimFold(d: Driver): Promise<void> {
  if ((await readMeta(d, 'victim_fold')) !== FOLD_LAYOUT) await d.atomically(() => refoldAll(d));
  else if (!(await dayFoldCurrent(d))) await d.atomically(() => refoldAllDays(d));
}

/** Folds every victim and victim-day from the sightings, replacing the folds (tests compare them with the kept ones). */
export async function refoldAll(d: Driver): Promise<void> {
  await refoldAllDays(d);
  await d.run(sql`DELETE FROM victim_fold`);
  await d.run(sql`INSERT INTO victim_fold (${FOLD_COLUMNS}) WITH ${sql.raw(victimGradesOfSightings(''))} SELECT ${FOLD_SELECT} FROM vg`);
  await writeMeta(d, 'victim_fold', FOLD_LAYOUT);
}

/**
 * Folds the victims of the sightings `where` selects (a condition over the sightings' own column
 * names) again, around `change` (which adds or deletes sightings): their victims are named before
 * it, and folded from their sightings after it (none left: their row goes).
 */
export async function refoldVictimsOf(d: Driver, where: Sql, change?: () => Promise<void>): Promise<void> {
  await d.withWorkTable(FOLD_AFFECTED, FOLD_AFFECTED.name, async (affected) => {
    // The victims are those of the victim-days: one read of the sightings for both folds.
    await noteFoldDays(d, where);
    await d.run(sql`INSERT INTO ${affected.ref} (victim) SELECT DISTINCT victim FROM fold_days_affected`);
    await change?.();
    await d.run(sql`DELETE FROM victim_fold WHERE victim IN (SELECT victim FROM ${affected.ref})`);
    await d.run(
      sql`INSERT INTO victim_fold (${FOLD_COLUMNS})
          WITH ${sql.raw(victimGradesOfSightings(`SEMI JOIN ${FOLD_AFFECTED.name} USING (victim)`))} SELECT ${FOLD_SELECT} FROM vg`,
    );
    await refoldNotedDays(d);
  });
}
