// The folds of the sightings the census reads, and the evidence of a window read from them, written
// once over the driver. pair_days: one row per victim, indicator, kind, family and day (a month of
// hourly beacons is 24 times fewer rows than the sightings): a window's full days are read from it,
// its partial first and last days from the sightings themselves, so the answers are exact;
// sightings that span midnight are kept whole and read by every window they overlap. pair_all: one
// row per victim, indicator, kind, family and import over all time, in victim order: the all-time
// window's evidence (a month of beacons is one row) and one victim's evidence (lookup).
//
// The folds are rebuilt whole when the sightings have changed since (a newer import), as a new fold
// number beside the old one: readers read the current fold only; the fold before it is removed at
// the next rebuild (a question may still be reading it), older ones at once.
import type { Driver } from '../store/driver.js';
import { readMeta, writeMeta } from '../store/meta.js';
import { table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import { sightingEvidence } from './evidence.js';

const DAY = 86_400_000;
/** The columns of an evidence row (WindowRelations.evidence). */
const EVIDENCE = 'victim, indicator_id, rkey, kind, family, g, t, f, dev, f0, l0, events';
const FOLDED_META = 'pair_days';

/** The newest import whose rows readers see: the sightings change only with imports. */
async function newestImport(d: Driver): Promise<number> {
  const r = await d.one<{ id: number | bigint | null }>(sql`SELECT max(i.id) AS id FROM imports i WHERE ${d.dialect.visibleRows(sql`i`)}`);
  return Number(r?.id ?? 0);
}

/** The fold number readers may use: the current one, or undefined when the sightings have changed since. */
export async function currentFold(d: Driver): Promise<number | undefined> {
  const [stored, newest] = await Promise.all([readMeta(d, FOLDED_META), newestImport(d)]);
  return stored !== undefined && Number(stored) === newest ? newest : undefined;
}

/** A sighting that lies within one UTC day. */
const singleDay = (d: Driver, alias: string): Sql =>
  sql`${d.dialect.timeBucket('day', sql.raw(`${alias}.first_seen`))} = ${d.dialect.timeBucket('day', sql.raw(`${alias}.last_seen`))}`;

/** Rebuilds the fold when the sightings have changed since it was built; returns the fold number. */
export async function foldPairDays(d: Driver): Promise<number> {
  const newest = await newestImport(d);
  const previous = await readMeta(d, FOLDED_META);
  if (previous === String(newest)) return newest;
  const columns = sql.raw(`fold, day, multiday, ${EVIDENCE}`);
  const rows = (multiday: 0 | 1) => {
    const only = multiday ? sql`NOT (${singleDay(d, 's')})` : singleDay(d, 's');
    const evidence = sql`(SELECT ${d.dialect.timeBucket('day', sql`e.f0`)} AS day, e.* FROM ${sightingEvidence(d, undefined, undefined, only)} e)`;
    // Sightings spanning midnight are few: kept whole, one row each.
    if (multiday) return sql`SELECT ${newest}, x.day, 1, ${sql.raw(EVIDENCE.split(', ').map((c) => `x.${c}`).join(', '))} FROM ${evidence} x`;
    return sql`SELECT ${newest}, x.day, 0, x.victim, x.indicator_id, x.rkey, x.kind, x.family, max(x.g), max(x.t), max(x.f), max(x.dev),
                      min(x.f0), max(x.l0), sum(x.events)
               FROM ${evidence} x GROUP BY x.day, x.victim, x.indicator_id, x.rkey, x.kind, x.family ORDER BY x.day`;
  };
  for (const t of FOLDS) await d.run(d.dialect.deleteWhere(t, sql`fold = ${newest}`));
  for (const multiday of [0, 1] as const) await d.run(sql`INSERT INTO pair_days (${columns}) ${rows(multiday)}`);
  await d.run(sql`INSERT INTO pair_all (fold, ${sql.raw(ALL_COLUMNS)}) ${allTimeRows(d, newest)}`);
  await writeMeta(d, FOLDED_META, String(newest));
  // The previous fold stays until the next: a question that began before this one was recorded
  // may still be reading it.
  const kept = previous === undefined ? [newest] : [newest, Number(previous)];
  for (const t of FOLDS) await d.run(d.dialect.deleteWhere(t, sql`fold NOT IN ${sql.list(kept)}`));
  return newest;
}

const FOLDS = ['pair_days', 'pair_all'];
/** pair_all's columns less its fold. */
const ALL_COLUMNS = 'victim, indicator_id, rkey, kind, family, import_id, g, t, f, answered, dev, f0, l0, events, bytes, first_line, detail';

/** The sightings folded over all time (pair_all's rows of fold `fold`), in victim order. */
function allTimeRows(d: Driver, fold: number): Sql {
  const rkey = sql`CASE WHEN s.indicator_id IS NULL THEN s.detail END`;
  const yes = (x: string) => sql.raw(`CASE WHEN s.${x} = 1 THEN 1 ELSE 0 END`);
  // Positional, no aliases: ClickHouse takes an alias for the column of that name anywhere in the statement.
  return sql`SELECT ${fold}, s.victim, s.indicator_id, ${rkey}, s.kind, s.family, s.import_id,
                    max(CASE WHEN s.kind <> 'flow' THEN 3 WHEN s.answered = 1 THEN 2 ELSE 1 END), max(${yes('to_indicator')}), max(${yes('from_indicator')}),
                    max(${yes('answered')}), max(s.device_id), min(s.first_seen), max(s.last_seen), sum(s.events), sum(s.bytes), min(s.first_line), min(s.detail)
             FROM sightings s WHERE ${d.dialect.visibleRows(sql`s`)}
             GROUP BY s.victim, s.indicator_id, ${rkey}, s.kind, s.family, s.import_id ORDER BY s.victim`;
}

/**
 * The sightings in victim order, folded over all time, with the columns of `sightings` one
 * victim's evidence reads (src/match/lookup-evidence.ts), when the folds are current; undefined
 * when they are not (the sightings themselves are then read).
 */
export async function sightingsByVictim(d: Driver): Promise<Sql | undefined> {
  const fold = await currentFold(d);
  if (fold === undefined) return undefined;
  return sql`(SELECT p.victim AS victim, p.indicator_id AS indicator_id, p.kind AS kind, p.import_id AS import_id, p.f0 AS first_seen,
                     p.l0 AS last_seen, p.events AS events, p.bytes AS bytes, p.t AS to_indicator, p.f AS from_indicator,
                     p.answered AS answered, p.first_line AS first_line, p.detail AS detail
              FROM pair_all p WHERE ${d.dialect.visibleRows(sql`p`)} AND p.fold = ${fold})`;
}

/**
 * The evidence of the window [from, to] from fold `fold`: its full days from the fold, the
 * sightings spanning midnight that overlap it, and its cut first and last days from the sightings.
 */
export function pairDayEvidence(d: Driver, fold: number, from: number | undefined, to: number | undefined): Sql {
  const folded = (cond: Sql, table = 'pair_days') =>
    sql`SELECT ${sql.raw(EVIDENCE.split(', ').map((c) => `p.${c}`).join(', '))} FROM ${sql.ident(table)} p
        WHERE ${d.dialect.visibleRows(sql`p`)} AND p.fold = ${fold} AND ${cond}`;
  if (from === undefined && to === undefined) return sql`(${folded(sql`1 = 1`, 'pair_all')})`;
  // Full days lie inside [from, to]: [ceil(from), floor(to)) in days. The edges are the days the
  // window cuts: [floor(from), ceil(from)) and [max(floor(to), ceil(from)), to], so a window
  // inside one day reads that day once.
  const fullFrom = from === undefined ? undefined : Math.ceil(from / DAY) * DAY;
  const fullTo = to === undefined ? undefined : Math.floor(to / DAY) * DAY;
  const full: Sql[] = [sql`p.multiday = 0`];
  if (fullFrom !== undefined) full.push(sql`p.day >= ${sql.time(fullFrom)}`);
  if (fullTo !== undefined) full.push(sql`p.day < ${sql.time(fullTo)}`);
  const spanning: Sql[] = [sql`p.multiday = 1`];
  if (from !== undefined) spanning.push(sql`p.l0 >= ${sql.time(from)}`);
  if (to !== undefined) spanning.push(sql`p.f0 <= ${sql.time(to)}`);
  const parts = [folded(sql.join(full, sql` AND `)), folded(sql.join(spanning, sql` AND `))];
  const edge = (lo: number, hi: Sql) =>
    sql`SELECT ${sql.raw(EVIDENCE)} FROM ${sightingEvidence(d, from, to, sql`${singleDay(d, 's')} AND s.first_seen >= ${sql.time(lo)} AND ${hi}`)} e`;
  if (from !== undefined) parts.push(edge(Math.floor(from / DAY) * DAY, sql`s.first_seen < ${sql.time(fullFrom!)}`));
  if (to !== undefined) parts.push(edge(Math.max(fullTo!, fullFrom ?? -Infinity), sql`s.first_seen <= ${sql.time(to)}`));
  return sql`(${sql.join(parts, sql` UNION ALL `)})`;
}

/** The fold's table, for tests that look at it. */
export const PAIR_DAYS = table('pair_days');
