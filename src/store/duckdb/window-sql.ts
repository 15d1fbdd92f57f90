// Victim rows of a time window, kept for the data version they were computed on. On a store of
// millions of sightings the per-victim aggregation costs seconds; a dashboard asks the same few
// windows again and again (and a report asks several questions of one window), so each window's
// victims are computed once into a temp table and every question about them reads that table.
//
// The all-time window is built from the victim fold (src/match/victim-fold.ts), kept with the
// sightings; a bounded one from the derived tables (derived-tables.ts) when they are current, else
// from the sightings. A store that folds (foldDerived: the server) rebuilds them at the
// first question after a change:
// - pair_days (a shared table, kept by the census stage: src/census/pair-days.ts): the sightings
//   that lie within one day, folded per day, victim, indicator (and report type, kind, family),
//   and the few spanning midnight whole. A window's full days read these instead of the hourly
//   sightings (a month of hourly beacons is 24x fewer rows); its partial first and last days are
//   read from the sightings themselves (a first_seen range: the zonemaps skip the other days), so
//   answers are exact. Its current fold is the one meta 'pair_days' names, when that is the newest
//   import: else windows are not built from the derived tables.
// - derived_pairs_all: the sightings folded per victim, indicator, kind, family and import over
//   all time, ordered by victim so that one victim's evidence is a few blocks (lookup), and the
//   source of the all-time window's lists.
// - derived_victim_owner: each victim's owner.
import type { Db, Param } from './connection.js';
import { sql, type Sql } from '../sql.js';
import type { VictimWindows } from '../victim-windows.js';
import { dataVersion } from '../data-version.js';
import { DuckDbDriver } from './driver.js';
import { createKeptTable } from './kept-table.js';
import { OWNER_CTE, SIGHTING_GRADE, VICTIM_GRADE_CTES, VICTIM_ROW_CTES_FROM_GRADES } from './victim-sql.js';

const DAY = 86_400_000;
/** Windows kept at once; each is one row per victim. */
const MAX_WINDOWS = 6;

interface Derived {
  version: string;
  /**
   * The earliest last_seen and the latest first_seen of the sightings, epoch microseconds. A window
   * holds the sightings that overlap it: one from at most the first holds all that end after it,
   * which is all of them. Not the earliest first_seen: with a day of data, the last 24 hours start
   * after the first sighting began, yet hold every sighting.
   */
  allFromUs: number;
  allToUs: number;
  windows: Map<string, string>;
  seq: number;
  /** The derived tables are current and windows are built from them (else from the sightings). */
  folded: boolean;
  /** The fold of pair_days the windows read, when folded. */
  fold?: number;
}

const derivedOf = new WeakMap<object, Derived>();
/** Stores that keep the derived tables current (see foldDerived). */
const folding = new WeakSet<object>();

/**
 * From now on, keep the derived tables of this store current: rebuilt by the first question after
 * a change. Worth it for a process that asks many questions over hours (the server); a one-shot
 * command (`census`, `lookup`, `report`) reads the sightings directly when the derived tables are
 * stale, instead of paying for a rebuild (seconds per million sightings) it would use a few times.
 */
export async function foldDerived(db: Db): Promise<void> {
  folding.add(db.instance);
  await ensureDerived(db);
}

/** The columns of a window's source rows (CTE `src`). */
const PAIR_COLUMNS = 'victim, indicator_id, rkey, kind, family, g, t, f, dev, f0, l0, events';
/** PAIR_COLUMNS of pair_days, whose directions are 1 or 0. */
const PAIR_DAY_COLUMNS = 'victim, indicator_id, rkey, kind, family, g, t = 1 AS t, f = 1 AS f, dev, f0, l0, events';

/** Whether the derived tables (derived-tables.ts) are those of the current data (rebuilding them if this store folds). */
export async function ensureDerived(db: Db): Promise<boolean> {
  return (await db.windowed(() => derived(db))).folded;
}

/**
 * The layout of the derived tables, part of their version: a store folded by a build with other
 * derived tables (or other rules) refolds instead of trusting them.
 */
const DERIVED_LAYOUT = 3;

async function derived(db: Db): Promise<Derived> {
  const version = `${DERIVED_LAYOUT}/${await dataVersion(new DuckDbDriver(db))}`;
  const known = derivedOf.get(db.instance);
  // Current, unless it reads the sightings and this store has since asked to fold them.
  if (known?.version === version && (known.folded || !folding.has(db.instance))) return known;
  for (const table of known?.windows.values() ?? []) await db.run(`DROP TABLE IF EXISTS ${table}`);
  if (known) await db.run(`DELETE FROM meta WHERE key LIKE 'window:%'`);
  const stored = await db.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'derived_version'`);
  const fold = await currentPairDays(db);
  const folded = (stored?.value === version || folding.has(db.instance)) && fold !== undefined;
  if (!folded) {
    const raw: Derived = { version, ...(await allTimeBounds(db)), ...(await keptWindows(db, version, known)), folded: false };
    derivedOf.set(db.instance, raw);
    return raw;
  }
  if (stored?.value !== version) {
    // No transaction (a caller may hold one): the version is written last, so a rebuild cut short
    // is redone by the next question.
    await db.run(`DELETE FROM meta WHERE key = 'derived_version'`);
    await db.run(`DELETE FROM derived_pairs_all`);
    await db.run(
      `INSERT INTO derived_pairs_all
       SELECT victim, indicator_id, CASE WHEN indicator_id IS NULL THEN detail END AS rkey, kind, family, import_id,
              max(${SIGHTING_GRADE}) AS g, bool_or(to_indicator) AS t, bool_or(from_indicator) AS f, bool_or(answered) AS answered,
              max(device_id) AS dev, min(first_seen) AS f0, max(last_seen) AS l0, sum(events) AS events, sum(bytes) AS bytes,
              min(first_line) AS first_line, any_value(detail) AS detail
       FROM sightings GROUP BY ALL ORDER BY victim`,
    );
    await db.run(`DELETE FROM derived_victim_owner`);
    await db.run(`INSERT INTO derived_victim_owner WITH s0 AS (SELECT DISTINCT victim FROM derived_pairs_all), ${OWNER_CTE} SELECT * FROM vo`);
    await db.run(`INSERT INTO meta VALUES ('derived_version', $v)`, { v: version });
  }
  const d: Derived = { version, ...(await allTimeBounds(db)), ...(await keptWindows(db, version, known)), folded: true, fold };
  derivedOf.set(db.instance, d);
  return d;
}

/**
 * The window tables are kept in the store (not as temp tables) with their data version in `meta`
 * (key 'window:<from>/<to>', value '<version> <table>'), so that the next process asking about the
 * same window (a one-shot `census` after another) reads them instead of building them again: on a
 * million victims that is seconds per window. Opening a store adopts the tables of the current
 * data version and drops the others.
 */
async function keptWindows(db: Db, version: string, known: Derived | undefined): Promise<Pick<Derived, 'windows' | 'seq'>> {
  const kept: Pick<Derived, 'windows' | 'seq'> = { windows: new Map(), seq: known?.seq ?? 0 };
  if (known) return kept; // this process built (and dropped) its own
  const tables = new Set(
    (await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND table_name LIKE 'victim\\_window\\_%' ESCAPE '\\'`)).map((r) => r.t),
  );
  const rows = await db.all<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key LIKE 'window:%'`);
  for (const r of rows) {
    const [v, table] = r.value.split(' ');
    if (v === version && table && /^victim_window_\d+$/.test(table) && tables.has(table)) {
      kept.windows.set(r.key.slice('window:'.length), table);
    } else await db.run(`DELETE FROM meta WHERE key = $k`, { k: r.key });
  }
  const live = new Set(kept.windows.values());
  for (const t of tables) if (!live.has(t)) await db.run(`DROP TABLE IF EXISTS ${t}`);
  for (const t of tables) kept.seq = Math.max(kept.seq, Number(/^victim_window_(\d+)/.exec(t)?.[1] ?? 0));
  return kept;
}

/** Derived.allFromUs and allToUs. */
async function allTimeBounds(db: Db): Promise<{ allFromUs: number; allToUs: number }> {
  const r = await db.one<{ lo: bigint | null; hi: bigint | null }>(`SELECT epoch_us(min(last_seen)) AS lo, epoch_us(max(first_seen)) AS hi FROM sightings`);
  return { allFromUs: Number(r?.lo ?? 0), allToUs: Number(r?.hi ?? 0) };
}

/**
 * The fold of pair_days when it is that of the newest import (the census stage writes the fold
 * number to meta 'pair_days' once the fold is complete), else undefined.
 */
async function currentPairDays(db: Db): Promise<number | undefined> {
  const r = await db.one<{ stored: string | null; newest: number | null }>(
    `SELECT (SELECT value FROM meta WHERE key = 'pair_days') AS stored, (SELECT max(id) FROM imports) AS newest`,
  );
  return r?.stored !== null && r?.stored !== undefined && Number(r.stored) === Number(r.newest ?? 0) ? Number(r.stored) : undefined;
}

/** A sighting that lies within one day (pair_days folds these; it keeps the rest whole). */
const SINGLE_DAY = `date_trunc('day', first_seen) = date_trunc('day', last_seen)`;
/** A sighting in PAIR_COLUMNS. */
const SIGHTING_AS_PAIR = `victim, indicator_id, CASE WHEN indicator_id IS NULL THEN detail END AS rkey, kind, family, ${SIGHTING_GRADE} AS g,
  to_indicator AS t, from_indicator AS f, device_id AS dev, first_seen AS f0, last_seen AS l0, events`;

const ts = (ms: number | undefined, open: string): string => (ms === undefined ? open : new Date(ms).toISOString());

/**
 * The temp table of the window's victims: the columns of VICTIM_ROW_CTES_FROM_GRADES' `v` (less
 * `inside`, which depends on the question's constituency), first/last seen and events, for every
 * owner.
 */
export async function victimWindow(db: Db, w: { from?: number; to?: number }, opts: WindowOptions = {}): Promise<string> {
  return (await windowRef(db, w, opts)).table;
}

export interface WindowOptions {
  /**
   * false: build the window from its own sightings even when it could be derived from the
   * all-time window (tests compare the two ways).
   */
  derive?: boolean;
}

/** Where a window's sightings are read: all-time pairs, day-folded pairs and edges, or the sightings. */
export type WindowSourceKind = 'all' | 'days' | 'raw';

export interface WindowRef {
  table: string;
  source: WindowSourceKind;
  /** Parameters of windowSource(source) for this window. */
  params: Record<string, Param>;
  /** Built from the all-time window (see DERIVE_SHARE). */
  derived?: boolean;
  /** The window's bounds, epoch ms, once those no sighting crosses are dropped (open where absent). */
  from?: number;
  to?: number;
}

/**
 * A bounded window that cuts at most this share of the victims (a sighting of theirs lies outside
 * it; the victim fold tells which) is derived from the all-time window: the rows of the victims it
 * does not cut are the same in both, so they are copied, and only the victims it cuts are built
 * anew. A census asks for the last 24 hours and for all time; on a day or two of data the two
 * differ by a few victims, and grouping the window's 1.2M sightings (0.4-0.65 s) becomes a copy
 * of the all-time rows plus the few victims cut (0.12-0.14 s).
 */
const DERIVE_SHARE = 0.25;

/** The parameters windowSource(kind) takes: none for all time; full days inside [from, to] for `days`. */
function windowSourceParams(kind: WindowSourceKind, from: number | undefined, to: number | undefined, fold = 0): Record<string, Param> {
  if (kind === 'all') return {};
  const bounds = { from: ts(from, '-infinity'), to: ts(to, 'infinity') };
  if (kind === 'raw') return bounds;
  // Full days lie inside [from, to]: [ceil(from), floor(to)) in days. The edges are the days
  // before and after them that the window cuts: [floor(from), ceil(from)) and [max(floor(to),
  // ceil(from)), to], so a window inside one day reads that day once.
  const fullFrom = from === undefined ? undefined : Math.ceil(from / DAY) * DAY;
  const fullTo = to === undefined ? undefined : Math.floor(to / DAY) * DAY;
  const edge1From = from === undefined ? undefined : Math.floor(from / DAY) * DAY;
  const edge2From = to === undefined ? undefined : Math.max(fullTo!, fullFrom ?? -Infinity);
  return {
    ...bounds,
    fold,
    full_from: ts(fullFrom, '-infinity'),
    full_to: ts(fullTo, 'infinity'),
    edge1_from: ts(edge1From, '-infinity'),
    edge1_to: ts(fullFrom, '-infinity'),
    edge2_from: ts(edge2From, 'infinity'),
  };
}

/** victimWindow with the window's windowSource parameters, for questions that need the sightings' detail. */
export async function windowRef(db: Db, w: { from?: number; to?: number }, opts: WindowOptions = {}): Promise<WindowRef> {
  return db.windowed(async () => {
    const d = await derived(db);
    // A bound that no sighting crosses selects nothing out: drop it, so that a window holding
    // every sighting is the open one (one table for both).
    const from = w.from === undefined || w.from * 1000 <= d.allFromUs ? undefined : w.from;
    const to = w.to === undefined || w.to * 1000 >= d.allToUs ? undefined : w.to;
    return { ...(await windowTable(db, d, from, to, opts.derive ?? true)), from, to };
  });
}

/**
 * A victim_fold row with a sighting outside the window [$from, $to]: a sighting counts when it
 * overlaps the window, so one ends before $from or one starts after $to.
 */
const CUT = `(first_end < $from::TIMESTAMP OR last_start > $to::TIMESTAMP)`;

async function windowTable(db: Db, d: Derived, from: number | undefined, to: number | undefined, mayDerive: boolean): Promise<WindowRef> {
  const key = `${from ?? ''}/${to ?? ''}`;
  const source: WindowSourceKind = !d.folded ? 'raw' : from === undefined && to === undefined ? 'all' : 'days';
  const sourceParams = windowSourceParams(source, from, to, d.fold);
  const known = d.windows.get(key);
  if (known) {
    d.windows.delete(key);
    d.windows.set(key, known);
    return { table: known, source, params: sourceParams };
  }
  const bounded = from !== undefined || to !== undefined;
  const bounds = { from: ts(from, '-infinity'), to: ts(to, 'infinity') };
  let allTime: string | undefined;
  if (bounded && mayDerive) {
    const r = await db.one<{ outside: bigint; n: bigint }>(`SELECT count(*) FILTER (WHERE ${CUT}) AS outside, count(*) AS n FROM victim_fold`, bounds);
    if (Number(r!.outside) <= DERIVE_SHARE * Number(r!.n)) allTime = (await windowTable(db, d, undefined, undefined, false)).table;
  }
  const table = `victim_window_${++d.seq}`;
  const params: Record<string, Param> = { ...(bounded ? sourceParams : {}), ...(allTime ? bounds : {}), has_c: false, c_countries: '', c_asns: '' };
  // All time: the victim fold is the grades (see src/match/victim-fold.ts). Bounded: the window's
  // sightings grouped per victim, straight from src (neither the lists' finer grouping, pk, nor
  // pairs are needed to count; see VICTIM_GRADE_CTES), only those of the victims it cuts when
  // derived.
  const grades = bounded
    ? `${allTime ? `affected AS (SELECT victim FROM victim_fold WHERE ${CUT}),` : ''}
       vr AS (SELECT victim, indicator_id, g, t, f, dev, f0, l0, events, NULL::VARCHAR AS owner FROM src ${allTime ? 'SEMI JOIN affected USING (victim)' : ''}),
       ${VICTIM_GRADE_CTES}`
    : `vg AS (SELECT victim, grade, device, first_seen AS f, last_seen AS l, events, NULL::VARCHAR AS owner FROM victim_fold)`;
  await db.run(`CREATE TEMP TABLE IF NOT EXISTS constituency_ranges (lo UHUGEINT, hi UHUGEINT)`);
  await createKeptTable(
    db,
    table,
    `WITH ${bounded ? `${windowSource(source)},` : ''}
     ${grades},
     ${VICTIM_ROW_CTES_FROM_GRADES},
     ${d.folded ? 'o AS (SELECT * FROM derived_victim_owner)' : `s0 AS (SELECT victim FROM vg), ${OWNER_CTE}, o AS (SELECT * FROM vo)`}
     SELECT v.* EXCLUDE (inside, owner, first_seen, last_seen, events), o.owner, v.first_seen, v.last_seen, v.events
     FROM v LEFT JOIN o USING (victim)
     ${allTime ? `UNION ALL SELECT * FROM ${allTime} ANTI JOIN affected USING (victim)` : ''}`,
    params,
  );
  d.windows.set(key, table);
  await db.run(`INSERT OR REPLACE INTO meta VALUES ($k, $v)`, { k: `window:${key}`, v: `${d.version} ${table}` });
  while (d.windows.size > MAX_WINDOWS) {
    const [oldKey, oldTable] = d.windows.entries().next().value!;
    d.windows.delete(oldKey);
    await db.run(`DELETE FROM meta WHERE key = $k`, { k: `window:${oldKey}` });
    await db.run(`DROP TABLE IF EXISTS ${oldTable}`);
  }
  return { table, source, params: sourceParams, derived: allTime !== undefined };
}

/**
 * CTE `src` (WindowRef.params): the window's sightings, in PAIR_COLUMNS. `days`:
 * folded per day where the day lies wholly inside the window, the edges from the sightings ($from,
 * $to, $full_from, $full_to); `all`: the all-time pairs (no parameters); `raw`: the sightings
 * themselves ($from, $to), when the derived tables are not current.
 */
export function windowSource(kind: WindowSourceKind): string {
  const fromSightings = `SELECT ${SIGHTING_AS_PAIR} FROM sightings WHERE last_seen >= $from::TIMESTAMP AND first_seen <= $to::TIMESTAMP`;
  if (kind === 'all') return `src AS (SELECT ${PAIR_COLUMNS} FROM derived_pairs_all)`;
  if (kind === 'raw') return `src AS (${fromSightings})`;
  // The edge days' sightings by first_seen range, one branch per edge: each import's sightings
  // are stored in time order (match-sql), so the zonemaps skip all but the edge days.
  const edge = (lo: string, hi: string) => `${fromSightings} AND first_seen >= ${lo}::TIMESTAMP AND first_seen ${hi} AND ${SINGLE_DAY}`;
  return `
  src AS (
    SELECT ${PAIR_DAY_COLUMNS} FROM pair_days WHERE fold = $fold AND multiday = 0 AND day >= $full_from::TIMESTAMP AND day < $full_to::TIMESTAMP
    UNION ALL
    SELECT ${PAIR_DAY_COLUMNS} FROM pair_days WHERE fold = $fold AND multiday = 1 AND l0 >= $from::TIMESTAMP AND f0 <= $to::TIMESTAMP
    UNION ALL
    ${edge('$edge1_from', '< $edge1_to::TIMESTAMP')}
    UNION ALL
    ${edge('$edge2_from', '<= $to::TIMESTAMP')})`;
}

/** A window bound as a bound time, or DuckDB's infinity where the window is open. */
const bound = (ms: number | undefined, open: '-infinity' | 'infinity'): Sql => (ms === undefined ? sql.raw(`'${open}'::TIMESTAMP`) : sql.time(ms));

/**
 * windowSource(kind) as a relation with its bounds bound (WindowRelations.evidence): the same rows
 * for the window [from, to] of a WindowRef.
 */
export function windowEvidence(kind: WindowSourceKind, from: number | undefined, to: number | undefined, fold = 0): Sql {
  const pairs = sql.raw(PAIR_COLUMNS);
  const dayPairs = sql.raw(PAIR_DAY_COLUMNS);
  if (kind === 'all') return sql`(SELECT ${pairs} FROM derived_pairs_all)`;
  const fromSightings = sql`SELECT ${sql.raw(SIGHTING_AS_PAIR)} FROM sightings WHERE last_seen >= ${bound(from, '-infinity')} AND first_seen <= ${bound(to, 'infinity')}`;
  if (kind === 'raw') return sql`(${fromSightings})`;
  const fullFrom = from === undefined ? undefined : Math.ceil(from / DAY) * DAY;
  const fullTo = to === undefined ? undefined : Math.floor(to / DAY) * DAY;
  const edge1From = from === undefined ? undefined : Math.floor(from / DAY) * DAY;
  const edge2From = to === undefined ? undefined : Math.max(fullTo!, fullFrom ?? -Infinity);
  const edge = (lo: Sql, hi: Sql) => sql`${fromSightings} AND first_seen >= ${lo} AND first_seen ${hi} AND ${sql.raw(SINGLE_DAY)}`;
  return sql`(
    SELECT ${dayPairs} FROM pair_days WHERE fold = ${fold} AND multiday = 0 AND day >= ${bound(fullFrom, '-infinity')} AND day < ${bound(fullTo, 'infinity')}
    UNION ALL
    SELECT ${dayPairs} FROM pair_days WHERE fold = ${fold} AND multiday = 1 AND l0 >= ${bound(from, '-infinity')} AND f0 <= ${bound(to, 'infinity')}
    UNION ALL
    ${edge(bound(edge1From, '-infinity'), sql`< ${bound(fullFrom, '-infinity')}`)}
    UNION ALL
    ${edge(bound(edge2From, 'infinity'), sql`<= ${bound(to, 'infinity')}`)})`;
}

/** The census's window relations (../victim-windows.ts) from this store's window tables. */
export function duckWindows(db: Db): VictimWindows {
  return {
    read: (w, fn) =>
      db.windowed(async () => {
        const ref = await windowRef(db, w);
        return fn({ victims: sql.ident(ref.table), evidence: windowEvidence(ref.source, ref.from, ref.to, ref.params.fold as number | undefined) });
      }),
    prepare: () => foldDerived(db),
  };
}
