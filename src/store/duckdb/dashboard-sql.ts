// DuckDB implementation of the dashboard store contract: daily trend, top indicators and the
// warninglists, counting victims with exactly the census' rules (unit, grade, warninglists,
// constituency, owner) so the report's and the dashboard's figures agree with `botcensus census`.
import type { DailyCount, DailyQuery, DashboardStore, IndicatorCount, TopIndicatorsQuery, VictimScope, WarninglistSummary } from '../dashboard.js';
import type { Db } from './connection.js';
import { GRADE_RANK, loadConstituency } from './victim-sql.js';
import { COUNT_COLUMNS, victimWindow, windowSource, windowRef, windowVictims } from './window-sql.js';

const DAY = 86_400_000;

/** CTE `counted`: the victims of `v` the census would count. */
const COUNTED = `counted AS (SELECT * FROM v WHERE grade >= $min_grade AND (warned_by IS NULL OR $incl_warned) AND (inside OR $incl_outside))`;

function scopeParams(q: VictimScope) {
  return {
    min_grade: GRADE_RANK[q.minGrade ?? 'one-way'],
    incl_warned: q.includeWarned ?? false,
    incl_outside: q.includeOutside ?? false,
  };
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function dailyActive(db: Db, q: DailyQuery): Promise<DailyCount[]> {
  return db.windowed(async () => {
    const first = Math.floor(q.from / DAY) * DAY;
    const last = Math.floor(q.to / DAY) * DAY;
    const window = await victimWindow(db, { from: first, to: last + DAY - 1 });
    await loadConstituency(db, q.constituency);
    // A victim counts on every day a sighting of its touches, at its grade of that day, as in a
    // census of that day: victim_days holds both, kept with the sightings (day-fold-sql.ts). The
    // unit (device or address) and the exclusions are the census' own for the victim over the
    // whole range, so identification applies unchanged. One row per victim and day: a day's
    // addresses are counted as rows, only devices need a distinct count (census-sql.ts units).
    const wv = windowVictims(window, q, COUNT_COLUMNS);
    const rows = await db.all<{ day: string; n: bigint }>(
      `WITH ${wv.cte}
       SELECT strftime(d.day, '%Y-%m-%d') AS day,
              count(*) FILTER (WHERE v.unit = v.victim) + count(DISTINCT v.unit) FILTER (WHERE v.unit <> v.victim) AS n
       FROM victim_days d JOIN v USING (victim)
       WHERE d.day BETWEEN $first_day::TIMESTAMP AND $last_day::TIMESTAMP
         AND d.grade >= $min_grade AND (v.warned_by IS NULL OR $incl_warned) AND (v.inside OR $incl_outside)
       GROUP BY 1`,
      {
        ...scopeParams(q),
        ...wv.params,
        first_day: new Date(first).toISOString(),
        last_day: new Date(last).toISOString(),
      },
    );
    const byDay = new Map(rows.map((r) => [r.day, Number(r.n)]));
    const out: DailyCount[] = [];
    for (let d = first; d <= last; d += DAY) out.push({ day: dayOf(d), victims: byDay.get(dayOf(d)) ?? 0 });
    return out;
  });
}

export async function topIndicators(db: Db, q: TopIndicatorsQuery): Promise<IndicatorCount[]> {
  return db.windowed(async () => {
    const window = await windowRef(db, q);
    await loadConstituency(db, q.constituency);
    const wv = windowVictims(window.table, q, COUNT_COLUMNS);
    const params = { ...scopeParams(q), ...wv.params, ...window.params, limit: q.limit };
    const rows = await db.all<{ k: string; type: string; sources: string[]; families: string[]; kinds: string[]; n: bigint; total: bigint }>(
      `WITH ${wv.cte}, ${COUNTED}, ${windowSource(window.source)},
       hits AS (
         SELECT DISTINCT src.victim, coalesce(i.value, 'report:' || src.rkey) AS k, coalesce(i.type, 'report') AS type,
                i.source, coalesce(src.family, i.family) AS family, src.kind
         FROM src LEFT JOIN indicators i ON i.id = src.indicator_id)
       SELECT k, any_value(type) AS type,
              list_sort(coalesce(list(DISTINCT source) FILTER (WHERE source IS NOT NULL), [])) AS sources,
              list_sort(coalesce(list(DISTINCT family) FILTER (WHERE family IS NOT NULL), [])) AS families,
              list_sort(list(DISTINCT kind)) AS kinds,
              count(DISTINCT unit) AS n, (SELECT count(DISTINCT unit) FROM counted) AS total
       FROM counted JOIN hits USING (victim)
       GROUP BY k ORDER BY n DESC, k LIMIT $limit`,
      params,
    );
    return rows.map((r) => ({
      indicator: r.k,
      type: r.type,
      sources: r.sources,
      families: r.families,
      kinds: r.kinds,
      victims: Number(r.n),
      share: Number(r.total) ? Number(r.n) / Number(r.total) : 0,
    }));
  });
}

export async function warninglists(db: Db): Promise<WarninglistSummary[]> {
  const rows = await db.all<{ list: string; n: bigint }>(`SELECT list, count(*) AS n FROM warnings GROUP BY list ORDER BY list`);
  return rows.map((r) => ({ list: r.list, entries: Number(r.n) }));
}

export function createDashboardStore(db: Db): DashboardStore {
  return {
    dailyActive: (q) => dailyActive(db, q),
    topIndicators: (q) => topIndicators(db, q),
    warninglists: () => warninglists(db),
  };
}
