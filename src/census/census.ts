// The three counts of one botnet, always labelled: active (the last 24 hours before --at),
// window (--since..--until) and cumulative (ever), grouped, with how much churn inflates the
// latter two against the active headline.
import type { CensusDimension, CensusResult, Constituency, Grade, Measure, Store } from '../store/store.js';
import { latestSighting } from './victim-counts.js';
import { census } from './count.js';

export const HOUR = 3_600_000;

export interface CensusOptions {
  by: CensusDimension;
  measure: Measure;
  /** Reference time, epoch ms (default: the latest sighting). */
  at?: number;
  since?: number;
  until?: number;
  /** Length of the active window in hours (default 24). */
  activeHours?: number;
  top?: number;
  constituency?: Constituency;
  includeOutside?: boolean;
  includeWarned?: boolean;
  minGrade?: Grade;
  /** Only this owner's victims (an owner's portal or report). */
  owner?: string;
}

export interface MeasureWindow {
  measure: Measure;
  from?: number;
  to?: number;
}

export interface CensusReport {
  by: CensusDimension;
  measure: Measure;
  window: MeasureWindow;
  at?: number;
  result: CensusResult;
  /** Totals of all three measures, and their ratio to the active count. */
  headline: { active: number; window: number; cumulative: number; windowInflation?: number; cumulativeInflation?: number };
  headlineWindows: Record<Measure, MeasureWindow>;
}

export function windows(o: CensusOptions, at: number | undefined): Record<Measure, MeasureWindow> {
  const activeMs = (o.activeHours ?? 24) * HOUR;
  const to = o.until ?? at;
  return {
    active: { measure: 'active', from: at === undefined ? undefined : at - activeMs, to: at },
    window: { measure: 'window', from: o.since ?? (to === undefined ? undefined : to - 7 * 24 * HOUR), to },
    cumulative: { measure: 'cumulative' },
  };
}

export async function runCensus(store: Pick<Store, 'driver'>, o: CensusOptions): Promise<CensusReport> {
  const at = o.at ?? (await latestSighting(store.driver));
  const w = windows(o, at);
  const base = {
    top: o.top ?? 10,
    constituency: o.constituency,
    includeOutside: o.includeOutside,
    includeWarned: o.includeWarned,
    minGrade: o.minGrade,
    owner: o.owner,
  };
  // The three windows asked at once: an engine that answers questions side by side (ClickHouse)
  // computes them together; one that takes them in turn (DuckDB) is no slower. The measure asked
  // is counted by the dimension asked, the other two only for their totals.
  const ask = (m: Measure) =>
    m === o.measure
      ? census(store, { ...base, by: o.by, measure: m, from: w[m].from, to: w[m].to })
      : census(store, { ...base, by: 'grade', measure: m, top: 1, from: w[m].from, to: w[m].to, totalsOnly: true });
  const [active, recent, cumulative] = await Promise.all((['active', 'window', 'cumulative'] as Measure[]).map(ask));
  const result = { active, window: recent, cumulative }[o.measure];
  const totals: Record<Measure, number> = { active: active.total, window: recent.total, cumulative: cumulative.total };
  return {
    by: o.by,
    measure: o.measure,
    window: w[o.measure],
    at,
    result,
    headline: {
      ...totals,
      windowInflation: totals.active ? totals.window / totals.active : undefined,
      cumulativeInflation: totals.active ? totals.cumulative / totals.active : undefined,
    },
    headlineWindows: w,
  };
}
