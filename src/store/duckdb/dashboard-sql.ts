// DuckDB implementation of the dashboard store contract: daily trend, top indicators and the
// warninglists, counting victims with exactly the census' rules (unit, grade, warninglists,
// constituency, owner) so the report's and the dashboard's figures agree with `botcensus census`.
import type { DailyCount, DailyQuery, DashboardStore, IndicatorCount, TopIndicatorsQuery, VictimScope, WarninglistSummary } from '../dashboard.js';
import type { Db } from './connection.js';
import { GRADE_RANK, loadConstituency, PAIR_GRADE, SIGHTING_GRADE } from './victim-sql.js';
import { COUNT_COLUMNS, ensureDerived, victimWindow, windowSource, windowRef, windowVictims } from './window-sql.js';

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
    const folded = await ensureDerived(db);
    await loadConstituency(db, q.constituency);
    // A sighting counts on every day its [first_seen, last_seen] touches, as it would in a census of
    // that day. The grade is that of the day; the unit (device or address) and the exclusions are
    // the census' own for the victim over the whole range, so identification applies unchanged.
    // Days come folded from derived_pair_days when it is current (window-sql.ts), the few sightings
    // that span midnight spread over their days here; otherwise every sighting is spread here.
    const wv = windowVictims(window, q, COUNT_COLUMNS);
    const rows = await db.all<{ day: string; n: bigint }>(
      `WITH ${wv.cte},
       sd AS (
         ${folded ? 'SELECT day, victim, indicator_id, g, t, f FROM derived_pair_days WHERE day BETWEEN $first_day::TIMESTAMP AND $last_day::TIMESTAMP UNION ALL' : ''}
         SELECT * FROM (
           SELECT unnest(generate_series(date_trunc('day', first_seen), date_trunc('day', last_seen), INTERVAL 1 DAY)) AS day,
                  victim, indicator_id, ${SIGHTING_GRADE} AS g, to_indicator AS t, from_indicator AS f
           FROM sightings
           WHERE ${folded ? "date_trunc('day', first_seen) <> date_trunc('day', last_seen) AND" : ''}
                 last_seen >= $first_day::TIMESTAMP AND first_seen < $last_day::TIMESTAMP + INTERVAL 1 DAY)
         WHERE day BETWEEN $first_day::TIMESTAMP AND $last_day::TIMESTAMP),
       ${
         // Every sighting is at least one-way: at the weakest grade a day's victims are its distinct
         // victims, without working out each one's grade that day (most of the trend's cost).
         (q.minGrade ?? 'one-way') === 'one-way'
           ? `vd AS (SELECT DISTINCT victim, day, ${GRADE_RANK['one-way']} AS grade FROM sd)`
           : `pd AS (SELECT victim, day, indicator_id, max(g) AS g, bool_or(t) AS t, bool_or(f) AS f FROM sd GROUP BY victim, day, indicator_id),
       vd AS (SELECT victim, day, max(${PAIR_GRADE}) AS grade FROM pd GROUP BY victim, day)`
       }
       SELECT strftime(vd.day, '%Y-%m-%d') AS day, count(DISTINCT v.unit) AS n
       FROM vd JOIN v USING (victim)
       WHERE vd.grade >= $min_grade AND (v.warned_by IS NULL OR $incl_warned) AND (v.inside OR $incl_outside)
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
