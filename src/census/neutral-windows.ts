// The window relations (store/victim-windows.ts) written once over the shared tables, on every
// driver: a window's victims are computed from the sightings, the identified devices, the
// enrichment, the warninglists and the owners (the last three a bounded window reads from the
// all-time window, victim-attributes.ts), into a table kept for the data version where the
// driver keeps tables (both do), else into a work table per question; the evidence is read from
// the per-day fold of the sightings where it is current (pair-days.ts: prepare builds it), else
// from the sightings, and the all-time window's grades from the victim fold matching keeps
// (src/match/victim-fold.ts). census-engines.test.ts holds the answers equal every way, on DuckDB
// and on ClickHouse.
//
// Written in the SQL that DuckDB and ClickHouse 18.16 both accept: no WITH subqueries (nested
// subqueries instead), one JOIN per SELECT, JOIN ... ON with equalities only, integers for
// booleans. A LEFT JOIN on ClickHouse fills a missing row's columns with defaults (''), not NULL,
// where the column cannot be NULL: such columns are read back through `nullIfEmpty`.
import type { Driver, WorkTable } from '../store/driver.js';
import { dataVersion } from '../store/data-version.js';
import { c, type Table } from '../store/schema.js';
import { sql, type Sql } from '../store/sql.js';
import type { VictimWindows } from '../store/victim-windows.js';
import { sightingEvidence, visible } from './evidence.js';
import { currentFold, foldPairDays, pairDayEvidence } from './pair-days.js';
import { attributesOf, joinAttributes, joined, NO_TEXT, nullIfEmpty, type Joined, type WithAttributes } from './victim-attributes.js';

const DAY = 86_400_000;

/**
 * How far in time an identification reaches: a victim address counts as the device (stable
 * identity or identified address) that held it within this many days of its sightings, the
 * nearest one when the address changed hands. Beyond that the address may well be someone else's.
 */
export const IDENTITY_REACH_DAYS = 30;

/** The columns of WindowRelations.victims, declared for the work table they are computed into. */
const WINDOW_VICTIMS: Table = {
  name: 'census_window_victims',
  columns: [
    c('victim', 'address', true),
    c('grade', 'uint8', true),
    c('unit', 'address', true),
    c('device', 'text'),
    c('ident', 'text'),
    c('country', 'text'),
    c('asn', 'int64'),
    c('as_org', 'text'),
    c('special', 'text'),
    c('warned_by', 'text'),
    c('owner', 'text'),
    c('first_seen', 'time', true),
    c('last_seen', 'time', true),
    c('events', 'int64', true),
  ],
};

/** Each victim's grade and span in the window (victimGrades), computed once per question: the victims' query reads it several times. */
const WINDOW_GRADES: Table = {
  name: 'census_window_grades',
  columns: [
    c('victim', 'address', true),
    c('grade', 'uint8', true),
    c('device', 'text'),
    c('first_seen', 'time', true),
    c('last_seen', 'time', true),
    c('events', 'int64', true),
  ],
};

/**
 * The rules a kept window's rows were computed by, part of its key: a window kept by a build with
 * other rules is computed anew. Raise it when windowVictims changes what it gives.
 */
const WINDOW_LAYOUT = 1;

/**
 * One row per victim of the evidence: its grade is the best of its (victim, indicator) pairs'
 * grades, a pair being confirmed by a non-flow sighting, two-way by an answered flow or by traffic
 * seen both ways; its device id, first and last seen, events.
 */
function victimGrades(evidence: Sql): Sql {
  return sql`(SELECT victim, max(CASE WHEN g = 3 THEN 3 WHEN g = 2 OR (t = 1 AND f = 1) THEN 2 ELSE 1 END) AS grade,
                     max(dev) AS device, min(f0) AS first_seen, max(l0) AS last_seen, sum(events) AS events
              FROM (SELECT victim, indicator_id, max(g) AS g, max(t) AS t, max(f) AS f, max(dev) AS dev, min(f0) AS f0, max(l0) AS l0,
                           sum(events) AS events
                    FROM ${evidence} e GROUP BY victim, indicator_id) p
              GROUP BY victim)`;
}

/**
 * Per victim of `vg`, the device that held the address within IDENTITY_REACH_DAYS of its
 * sightings: the nearest in time, a stable identity before an identified address, then the
 * least name.
 */
function identities(d: Driver, vg: Sql): Sql {
  const ms = (x: Sql) => d.dialect.epochMs(x);
  const reach = IDENTITY_REACH_DAYS * DAY;
  const distance = sql`greatest(greatest(${ms(sql`da.first_seen`)} - ${ms(sql`v.last_seen`)}, ${ms(sql`v.first_seen`)} - ${ms(sql`da.last_seen`)}), 0)`;
  const candidates = sql`(SELECT v.victim AS victim, da.device AS device, ${distance} * 2 + CASE WHEN da.stable = 1 THEN 0 ELSE 1 END AS rank
                          FROM ${vg} v JOIN device_addresses da ON da.ip = v.victim
                          WHERE ${visible(d, 'da')} AND ${ms(sql`da.last_seen`)} >= ${ms(sql`v.first_seen`)} - ${reach}
                            AND ${ms(sql`da.first_seen`)} <= ${ms(sql`v.last_seen`)} + ${reach})`;
  return sql`(SELECT c.victim AS victim, min(c.device) AS ident
              FROM ${candidates} c JOIN (SELECT victim, min(rank) AS rank FROM ${candidates} c0 GROUP BY victim) b ON b.victim = c.victim AND b.rank = c.rank
              GROUP BY c.victim)`;
}

/**
 * The window's victims (WindowRelations.victims' columns) from their grades (`vg`, a relation of
 * victimGrades' columns). The unit: the identified device (not an identified address, ident
 * 'ip:...'), else the device id the reports gave, else the address itself.
 */
function windowVictims(d: Driver, vg: Sql, has: Joined, withAttributes: WithAttributes): Sql {
  const ident = has.devices ? nullIfEmpty(sql`i.ident`) : NO_TEXT;
  const identJoin = has.devices ? sql`LEFT JOIN ${identities(d, vg)} i ON i.victim = v.victim` : sql.empty;
  const withIdent = sql`(SELECT v.victim AS victim, v.grade AS grade, v.device AS device, v.first_seen AS first_seen, v.last_seen AS last_seen,
                                v.events AS events, ${ident} AS ident
                         FROM ${vg} v ${identJoin})`;
  const identified = sql`v.ident IS NOT NULL AND v.ident NOT LIKE 'ip:%'`;
  return sql`SELECT v.victim AS victim, v.grade AS grade,
                    CASE WHEN ${identified} THEN ${d.dialect.deviceUnit(sql`v.ident`)}
                         WHEN v.device IS NOT NULL THEN ${d.dialect.deviceUnit(sql`'id:' || lower(v.device)`)}
                         ELSE v.victim END AS unit,
                    coalesce(v.device, CASE WHEN ${identified} THEN v.ident END) AS device, v.ident AS ident,
                    v.country AS country, v.asn AS asn, v.as_org AS as_org, v.special AS special, v.warned_by AS warned_by, v.owner AS owner,
                    v.first_seen AS first_seen, v.last_seen AS last_seen, v.events AS events
             FROM ${withAttributes(withIdent)} v`;
}

const columnsOf = (t: Table) => sql.raw(t.columns.map((x) => x.name).join(', '));

/**
 * The all-time window's victimGrades, read from the victim fold matching keeps with the sightings
 * (src/match/victim-fold.ts): one row per victim instead of grouping every sighting again.
 */
function foldedGrades(d: Driver): Sql {
  return sql`(SELECT v.victim AS victim, v.grade AS grade, v.device AS device, v.first_seen AS first_seen, v.last_seen AS last_seen, v.events AS events
              FROM victim_fold v WHERE ${visible(d, 'v')} AND v.grade > 0)`;
}

/** A window as asked for, with the data's version, where its evidence is read, and its key. */
interface WindowPlan {
  w: { from?: number; to?: number };
  version: string;
  evidence: Sql;
  key: string;
}

/** The key a window is kept under: the rules, the data version, the bounds. */
const windowKey = (version: string, w: { from?: number; to?: number }) => `${WINDOW_LAYOUT}|${version}|${w.from ?? ''}|${w.to ?? ''}`;

const insertVictims = (d: Driver, work: WorkTable, rows: Sql) => d.run(sql`INSERT INTO ${work.ref} (${columnsOf(WINDOW_VICTIMS)}) ${rows}`);

/** Fills `work` with the all-time window's victims (WINDOW_VICTIMS' columns); `has`, the data's joins, when known. */
async function fillAllTime(d: Driver, work: WorkTable, has?: Joined): Promise<void> {
  has ??= await joined(d);
  await insertVictims(d, work, windowVictims(d, foldedGrades(d), has, joinAttributes(d, has, foldedGrades(d))));
}

/**
 * Runs `fn` with the all-time window of data version `version` (whose joins are `has`), kept
 * (built first if it is not): the other windows take their victims' attributes from it.
 */
function withAllTime<T>(d: Driver, version: string, has: Joined, fn: (allTime: Sql) => Promise<T>): Promise<T> {
  return d.withKeptTable!(WINDOW_VICTIMS, async () => windowKey(version, {}), (work) => fillAllTime(d, work, has), (kept) => fn(kept.ref));
}

/** Fills `work` with the victims of the bounded window `p` (WINDOW_VICTIMS' columns). */
async function fillBounded(d: Driver, work: WorkTable, p: WindowPlan): Promise<void> {
  // Read alongside the grades (a round trip less before the victims).
  const joins = joined(d);
  joins.catch(() => undefined);
  await d.withWorkTable(WINDOW_GRADES, WINDOW_GRADES.name, async (grades) => {
    await d.run(sql`INSERT INTO ${grades.ref} (${columnsOf(WINDOW_GRADES)}) SELECT ${columnsOf(WINDOW_GRADES)} FROM ${victimGrades(p.evidence)} g`);
    const has = await joins;
    if (d.withKeptTable && d.can('kept-tables'))
      await withAllTime(d, p.version, has, (allTime) => insertVictims(d, work, windowVictims(d, grades.ref, has, attributesOf(allTime))));
    else await insertVictims(d, work, windowVictims(d, grades.ref, has, joinAttributes(d, has, grades.ref)));
  });
}

/** Fills `work` with the victims of the window `p` (WINDOW_VICTIMS' columns). */
const fillWindowVictims = (d: Driver, work: WorkTable, p: WindowPlan): Promise<void> =>
  p.w.from === undefined && p.w.to === undefined ? fillAllTime(d, work) : fillBounded(d, work, p);

/**
 * Window relations computed from the shared tables, on any driver. A driver that keeps tables
 * keeps each window's victims for the data version (data-version.ts), so that the questions
 * after the first about a window (a census asks three windows, a dashboard the same ones again
 * and again) read them instead of computing them again; elsewhere each question computes its
 * window's victims.
 */
export function neutralWindows(d: Driver): VictimWindows {
  /** The window as asked for, its key for the data now, and where its evidence is read. */
  const plan = async (asked: { from?: number; to?: number }): Promise<WindowPlan> => {
    // Asked at once: each is a round trip of its own, and on ClickHouse a small query costs 10-25 ms.
    const [version, fold] = await Promise.all([dataVersion(d), currentFold(d)]);
    const w = await openWhereUncut(d, version, asked);
    const evidence = fold === undefined ? sightingEvidence(d, w.from, w.to) : pairDayEvidence(d, fold, w.from, w.to);
    return { w, version, evidence, key: windowKey(version, w) };
  };
  return {
    read: async (asked, fn) => {
      if (d.withKeptTable && d.can('kept-tables')) {
        // Planned inside the kept table's section: the key, the table and the evidence are of one state of the data.
        let p!: WindowPlan;
        return d.withKeptTable(
          WINDOW_VICTIMS,
          async () => (p = await plan(asked)).key,
          (work) => fillWindowVictims(d, work, p),
          (kept) => fn({ victims: kept.ref, evidence: p.evidence }),
        );
      }
      return d.withWorkTable(WINDOW_VICTIMS, WINDOW_VICTIMS.name, async (work) => {
        const p = await plan(asked);
        await fillWindowVictims(d, work, p);
        return fn({ victims: work.ref, evidence: p.evidence });
      });
    },
    prepare: async () => {
      await foldPairDays(d);
    },
  };
}

/** The earliest end and the latest start of any sighting (epoch ms, rounded down), for one data version. */
interface SightingSpan {
  version: string;
  earliestEnd: number;
  latestStart: number;
}

const spans = new WeakMap<Driver, SightingSpan>();

/**
 * The window with each bound that no sighting crosses dropped: a window from at most the earliest
 * end of any sighting holds every sighting that ends after it, which is all of them (likewise a
 * window to after the latest start). A window that holds every sighting is then the all-time one,
 * read from the victim fold and kept once: a census's seven-day window over a few days of data.
 * Read from the victim fold; a replaced row not yet merged away (ClickHouse) can only make the
 * span wider, so a bound is kept where it might cut.
 */
async function openWhereUncut(d: Driver, version: string, w: { from?: number; to?: number }): Promise<{ from?: number; to?: number }> {
  if (w.from === undefined && w.to === undefined) return w;
  let span = spans.get(d);
  if (span?.version !== version) {
    const r = await d.one<{ lo: Date | null; hi: Date | null; n: unknown }>(
      sql`SELECT min(v.first_end) AS lo, max(v.last_start) AS hi, count(*) AS n FROM victim_fold v WHERE ${visible(d, 'v')} AND v.grade > 0`,
    );
    // No victims: NULL on DuckDB, zero times on ClickHouse; then no bound is dropped.
    const some = r !== undefined && Number(r.n) > 0 && r.lo !== null && r.hi !== null;
    span = { version, earliestEnd: some ? r.lo!.getTime() : -Infinity, latestStart: some ? r.hi!.getTime() : Infinity };
    spans.set(d, span);
  }
  // The latest start is rounded down to the millisecond: a bound at it may still cut a sighting that starts within that millisecond.
  return {
    from: w.from === undefined || w.from <= span.earliestEnd ? undefined : w.from,
    to: w.to === undefined || w.to > span.latestStart ? undefined : w.to,
  };
}
