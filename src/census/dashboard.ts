// What the report and the web dashboard ask beyond the census (daily trend, top indicators,
// warninglists), counting victims with exactly the census's rules (unit, grade, warninglists,
// constituency, owner), so their figures agree with `botcensus census`. Every victim question
// takes an optional owner and then counts only that owner's victims, so an owner's view reveals
// nothing about other networks.
import type { Driver } from '../store/driver.js';
import { sql } from '../store/sql.js';
import { windowsOf, type CensusSource } from './count.js';
import { COUNT_COLUMNS, countedCondition, GRADE_RANK, joined, scopedVictims, units, withConstituency, type VictimScope } from './scope.js';

export type { VictimScope };

export interface DailyQuery extends VictimScope {
  /** First and last instant to cover, epoch ms; every UTC day they touch gets a row. */
  from: number;
  to: number;
}

export interface DailyCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Distinct victims (devices where identifiers exist, else addresses) seen that day; 0 for a quiet day. */
  victims: number;
}

export interface TopIndicatorsQuery extends VictimScope {
  limit: number;
  /** Window, epoch ms (open-ended when absent). */
  from?: number;
  to?: number;
}

export interface IndicatorCount {
  /** The indicator's value, or "report:<type>" for report rows that are sightings by themselves. */
  indicator: string;
  /** ip, cidr, domain, url, ... or "report". */
  type: string;
  /** Intel sources that listed it. */
  sources: string[];
  families: string[];
  /** Telemetry kinds it was seen in: flow, dns, http, tls, report. */
  kinds: string[];
  /** Distinct victims (same unit as the census) it matched in the window. */
  victims: number;
  /** victims / all counted victims in the window. */
  share: number;
}

export interface WarninglistSummary {
  /** The list's name, e.g. "List of known public DNS resolvers". */
  list: string;
  /** Entries of the list in the store. */
  entries: number;
}

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Per UTC day from `from` to `to`, the distinct victims seen that day (the daily active trend). */
export async function dailyActive(store: CensusSource, q: DailyQuery): Promise<DailyCount[]> {
  const d = store.driver;
  const first = Math.floor(q.from / DAY) * DAY;
  const last = Math.floor(q.to / DAY) * DAY;
  // A victim counts on every day a sighting of its touches, at its grade of that day, as in a
  // census of that day: victim_days holds both, kept with the sightings. The unit (device or
  // address) and the exclusions are the census's own for the victim over the whole range, so
  // identification applies unchanged. One row per victim and day: a day's addresses are counted
  // as rows, only devices need a distinct count (scope.ts units).
  const rows = await withConstituency(d, q.constituency, (inside) =>
    windowsOf(store).read({ from: first, to: last + DAY - 1 }, (w) => {
      const rules = countedCondition({ ...q, minGrade: 'one-way' }, 'v.');
      return d.all<{ day: number | bigint; n: bigint | number }>(
        sql`SELECT ${d.dialect.epochMs(sql`dd.day`)} AS day, ${units()} AS n
            FROM (SELECT v.victim AS victim, v.unit AS unit, x.day AS day
                  FROM (SELECT * FROM victim_days y WHERE ${d.dialect.visibleRows(sql`y`)}
                          AND y.day >= ${sql.time(first)} AND y.day <= ${sql.time(last)} AND y.grade >= ${GRADE_RANK[q.minGrade ?? 'one-way']}) x
                  JOIN ${scopedVictims(w.victims, q, inside, COUNT_COLUMNS)} v ON v.victim = x.victim
                  WHERE ${rules}) dd
            GROUP BY dd.day`,
      );
    }),
  );
  const byDay = new Map(rows.map((r) => [dayOf(Number(r.day)), Number(r.n)]));
  const out: DailyCount[] = [];
  for (let t = first; t <= last; t += DAY) out.push({ day: dayOf(t), victims: byDay.get(dayOf(t)) ?? 0 });
  return out;
}

/** The indicators that matched the most victims in the window, most first. */
export async function topIndicators(store: CensusSource, q: TopIndicatorsQuery): Promise<IndicatorCount[]> {
  const d = store.driver;
  const l = d.dialect;
  const rows = await withConstituency(d, q.constituency, (inside) =>
    windowsOf(store).read({ from: q.from, to: q.to }, (w) => {
      const counted = sql`(SELECT * FROM ${scopedVictims(w.victims, q, inside, COUNT_COLUMNS)} c WHERE ${countedCondition(q)})`;
      const hits = sql`(
        SELECT DISTINCT e.victim AS victim, coalesce(${joined('i', 'value')}, 'report:' || e.rkey) AS k, coalesce(${joined('i', 'type')}, 'report') AS type,
               ${joined('i', 'source')} AS source, coalesce(e.family, ${joined('i', 'family')}) AS family, e.kind AS kind
        FROM ${w.evidence} e LEFT JOIN (SELECT x.*, 1 AS found FROM indicators x WHERE ${l.visibleRows(sql`x`)}) i ON i.id = e.indicator_id)`;
      return d.all<{ k: string; type: string; sources: string[]; families: string[]; kinds: string[]; n: bigint; total: bigint }>(
        sql`SELECT k, min(type) AS type, ${l.listAggDistinct(sql`source`)} AS sources, ${l.listAggDistinct(sql`family`)} AS families,
                   ${l.listAggDistinct(sql`kind`)} AS kinds, count(DISTINCT unit) AS n,
                   (SELECT count(DISTINCT unit) FROM ${counted} t) AS total
            FROM ${counted} c JOIN ${hits} h USING (victim)
            GROUP BY k ORDER BY n DESC, k LIMIT ${q.limit}`,
      );
    }),
  );
  return rows.map((r) => ({
    indicator: r.k,
    type: r.type,
    sources: [...r.sources],
    families: [...r.families],
    kinds: [...r.kinds],
    victims: Number(r.n),
    share: Number(r.total) ? Number(r.n) / Number(r.total) : 0,
  }));
}

/** Warninglists in the store: their victims are left out of every count unless includeWarned. */
export async function warninglists(d: { driver: Driver }): Promise<WarninglistSummary[]> {
  const rows = await d.driver.all<{ list: string; n: bigint }>(
    sql`SELECT list, count(*) AS n FROM warnings w WHERE ${d.driver.dialect.visibleRows(sql`w`)} GROUP BY list ORDER BY list`,
  );
  return rows.map((r) => ({ list: r.list, entries: Number(r.n) }));
}
