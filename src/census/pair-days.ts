// The per-day fold of the sightings (table pair_days) and the evidence of a window read from it,
// written once over the driver. A window's full days are read from the fold, one row per victim,
// indicator, kind and family and day (a month of hourly beacons is 24 times fewer rows than the
// sightings); its partial first and last days from the sightings themselves, so the answers are
// exact; sightings that span midnight are kept whole and read by every window they overlap.
//
// The fold is rebuilt whole when the sightings have changed since (a newer import), as a new fold
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
  await d.run(d.dialect.deleteWhere('pair_days', sql`fold = ${newest}`));
  for (const multiday of [0, 1] as const) await d.run(sql`INSERT INTO pair_days (${columns}) ${rows(multiday)}`);
  await writeMeta(d, FOLDED_META, String(newest));
  // The previous fold stays until the next: a question that began before this one was recorded
  // may still be reading it.
  const kept = previous === undefined ? [newest] : [newest, Number(previous)];
  await d.run(d.dialect.deleteWhere('pair_days', sql`fold NOT IN ${sql.list(kept)}`));
  return newest;
}

/**
 * The evidence of the window [from, to] from fold `fold`: its full days from the fold, the
 * sightings spanning midnight that overlap it, and its cut first and last days from the sightings.
 */
export function pairDayEvidence(d: Driver, fold: number, from: number | undefined, to: number | undefined): Sql {
  const folded = (cond: Sql) =>
    sql`SELECT ${sql.raw(EVIDENCE.split(', ').map((c) => `p.${c}`).join(', '))} FROM pair_days p
        WHERE ${d.dialect.visibleRows(sql`p`)} AND p.fold = ${fold} AND ${cond}`;
  if (from === undefined && to === undefined) return sql`(${folded(sql`1 = 1`)})`;
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
