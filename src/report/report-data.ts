// Everything the report shows, gathered from the store once, as plain data: the renderers (HTML,
// Markdown) and the dashboard format it without further queries. The country table is the census
// itself (runCensus), so the report's figures are those of `botcensus census --json`.
import { runCensus, type CensusReport } from '../census/census.js';
import { describeSources, staleWarnings } from '../enrich/provenance.js';
import type { DailyCount, IndicatorCount, WarninglistSummary } from '../census/dashboard.js';
import type { CensusDimension, CensusResult, CensusRow, Constituency, Grade, ImportRow, Measure, Store } from '../store/store.js';
import { ATLAS_ATTRIBUTION } from './charts/world-atlas.js';
import type { CveCount, DeviceCount, ReportSection, ReportSources } from './sources.js';
import { enrichmentSources } from '../enrich/enrich.js';
import { census } from '../census/count.js';
import { dailyActive, topIndicators, warninglists } from '../census/dashboard.js';

const DAY = 86_400_000;

export interface ReportOptions {
  /** Reference time of "active", epoch ms (default: the latest sighting). */
  at?: number;
  /** Window of the "window" measure (default: the 7 days before --until, which defaults to --at). */
  since?: number;
  until?: number;
  /** Length of the active window in hours (default 24). */
  activeHours?: number;
  /** Measure of the tables and the map (default active, the headline). */
  measure?: Measure;
  /** Rows of each table before "others" (default 10). */
  top?: number;
  /** Days of the daily trend ending at --at, when --since does not say (default 30). */
  trendDays?: number;
  constituency?: Constituency;
  /** How the constituency was given (its file name), for the methodology. */
  constituencyLabel?: string;
  includeOutside?: boolean;
  includeWarned?: boolean;
  minGrade?: Grade;
  /** Only this owner's victims: nothing about other networks is shown. */
  owner?: string;
  title?: string;
  /** Handling marking shown in the header and footer, e.g. "TLP:CLEAR". */
  marking?: string;
}

export interface Methodology {
  activeHours: number;
  minGrade: Grade;
  includeWarned: boolean;
  includeOutside: boolean;
  constituency?: Constituency;
  constituencyLabel?: string;
  /** Intel, warninglist and telemetry files the store holds. */
  imports: ImportRow[];
  warninglists: WarninglistSummary[];
  attributions: string[];
}

export interface ReportData {
  title: string;
  marking?: string;
  /** When the report was made, epoch ms. */
  generatedAt: number;
  owner?: string;
  /** The country census with headline counts: what `botcensus census --json` prints for the same options. */
  census: CensusReport;
  /** Every country with victims, same measure and window, for the map. */
  countries: CensusRow[];
  asns: CensusResult;
  orgs: CensusResult;
  trend: { from?: number; to?: number; days: DailyCount[] };
  indicators: IndicatorCount[];
  /** Undefined (or empty) until identification data exists: the section says so. */
  devices?: DeviceCount[];
  cves?: CveCount[];
  /** Remediation progress (notify stage), when a source provides it. */
  remediation?: ReportSection;
  methodology: Methodology;
}

export async function gatherReportData(store: Store, o: ReportOptions = {}, sources: ReportSources = {}): Promise<ReportData> {
  const measure = o.measure ?? 'active';
  const top = o.top ?? 10;
  const rules = { constituency: o.constituency, includeOutside: o.includeOutside, includeWarned: o.includeWarned, minGrade: o.minGrade, owner: o.owner };
  const headline = await runCensus(store, {
    ...rules,
    by: 'country',
    measure,
    at: o.at,
    since: o.since,
    until: o.until,
    activeHours: o.activeHours,
    top,
  });
  const { from, to } = headline.window;
  const by = (dim: CensusDimension, n: number) => census(store, { ...rules, by: dim, measure, from, to, top: n });
  const all = await by('country', 100_000);
  const at = headline.at;
  const trendTo = o.until ?? at;
  const trendFrom = o.since ?? (trendTo === undefined ? undefined : trendTo - ((o.trendDays ?? 30) - 1) * DAY);
  const scope = rules;
  const days =
    trendFrom === undefined || trendTo === undefined ? [] : await dailyActive(store, { ...scope, from: trendFrom, to: trendTo });
  const idScope = { from, to, owner: o.owner, constituency: o.constituency };
  const geoSources = await enrichmentSources(store.driver);
  const now = Date.now();
  const [devices, cves, remediation] = await Promise.all([
    sources.identification?.devices(idScope),
    sources.identification?.cves(idScope),
    sources.remediation?.({ owner: o.owner, at }),
  ]);
  return {
    title: o.title ?? (o.owner ? `Botnet victims in the networks of ${o.owner}` : 'Botnet census report'),
    marking: o.marking,
    generatedAt: Date.now(),
    owner: o.owner,
    census: headline,
    countries: all.rows,
    asns: await by('asn', top),
    orgs: await by('org', top),
    trend: { from: trendFrom, to: trendTo, days },
    indicators: await topIndicators(store, { ...scope, limit: top, from, to }),
    devices,
    cves,
    remediation,
    methodology: {
      activeHours: o.activeHours ?? 24,
      minGrade: o.minGrade ?? 'one-way',
      includeWarned: o.includeWarned ?? false,
      includeOutside: o.includeOutside ?? false,
      constituency: o.constituency,
      constituencyLabel: o.constituencyLabel,
      imports: await store.listImports(),
      warninglists: await warninglists(store),
      attributions: [...describeSources(geoSources, now), ...staleWarnings(geoSources, now).map((w) => `Warning: ${w}.`), ATLAS_ATTRIBUTION],
    },
  };
}
