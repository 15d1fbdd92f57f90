// The victim fold: the sightings folded per victim over all time (table victim_fold), written in
// the same statement sequence, and so the same transaction, as the sightings it folds. Every
// change to the sightings goes through match-sql.ts, which names the victims it touches
// (noteFoldVictims) and folds them again once the sightings have changed (refoldNoted). A touched
// victim is folded again from all its sightings (its grade can depend on a pair's directions seen
// in two imports); the others keep their rows, so keeping the fold costs what the import touches,
// not what the store holds. The day fold (day-fold-sql.ts) is kept in the same calls.
//
// Why: a census asks for the all-time window (and derives shorter ones from it). On a store of
// 100M flows and 1.2M sightings, grouping the sightings per victim was 0.45 s of the 0.8 s that
// window took to build; with the fold it is a read of one row per victim.
import type { Db, Param } from './connection.js';
import { dayFoldCurrent, noteFoldDays, refoldAllDays, refoldNotedDays } from './day-fold-sql.js';
import { victimGradesOfSightings } from './victim-sql.js';

/**
 * The rules the fold was built with, kept in `meta` (key 'victim_fold'): a store folded by a build
 * with other rules (or none: a store from before the fold) is folded whole when opened.
 */
const FOLD_LAYOUT = '1';

const FOLD_COLUMNS = 'victim, grade, device, f AS first_seen, l AS last_seen, first_end, last_start, events';

/** Folds every victim (and victim-day) anew when the stored fold was built by other rules (or never). */
export async function ensureVictimFold(db: Db): Promise<void> {
  const r = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'victim_fold'`);
  if (r?.value !== FOLD_LAYOUT) await db.transaction(() => refoldAll(db));
  else if (!(await dayFoldCurrent(db))) await db.transaction(() => refoldAllDays(db));
}

/** Folds every victim and victim-day from the sightings, replacing the folds (tests compare them with the kept ones). */
export async function refoldAll(db: Db): Promise<void> {
  await refoldAllDays(db);
  await db.run(`DELETE FROM victim_fold`);
  await db.run(`INSERT INTO victim_fold WITH ${victimGradesOfSightings('')} SELECT ${FOLD_COLUMNS} FROM vg`);
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('victim_fold', $v)`, { v: FOLD_LAYOUT });
}

/** Names the victims of the sightings `where` selects in the temp table `fold_affected`, before they change. */
export async function noteFoldVictims(db: Db, where: string, params: Record<string, Param> = {}): Promise<void> {
  // The victims are those of the victim-days: one read of the sightings for both folds.
  await noteFoldDays(db, where, params);
  await db.run(`CREATE OR REPLACE TEMP TABLE fold_affected AS SELECT DISTINCT victim FROM fold_days_affected`);
}

/** Folds the victims in `fold_affected` again from their sightings (none left: their row goes). */
export async function refoldNoted(db: Db): Promise<void> {
  await db.run(`DELETE FROM victim_fold WHERE victim IN (SELECT victim FROM fold_affected)`);
  await db.run(
    `INSERT INTO victim_fold WITH ${victimGradesOfSightings('SEMI JOIN fold_affected USING (victim)')} SELECT ${FOLD_COLUMNS} FROM vg`,
  );
  await db.run(`DROP TABLE fold_affected`);
  await refoldNotedDays(db);
}
