// The dashboard part of the store contract: what the report and the web dashboard need beyond the
// census (daily trend, top indicators, warninglists). Every victim query takes an optional owner
// and then counts only that owner's victims, so an owner's view reveals nothing about other networks.
import type { Constituency, Grade } from './store.js';

/** Which victims count, with the same rules as the census (see CensusQuery). */
export interface VictimScope {
  /** Only victims whose most specific owner is this one. */
  owner?: string;
  constituency?: Constituency;
  /** Count victims outside the constituency too. */
  includeOutside?: boolean;
  /** Count victims on a warninglist too. */
  includeWarned?: boolean;
  /** Weakest evidence that counts (default one-way: all). */
  minGrade?: Grade;
}

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

export interface DashboardStore {
  /** Per UTC day from `from` to `to`, the distinct victims seen that day (the daily active trend). */
  dailyActive(q: DailyQuery): Promise<DailyCount[]>;
  /** The indicators that matched the most victims in the window, most first. */
  topIndicators(q: TopIndicatorsQuery): Promise<IndicatorCount[]>;
  /** Warninglists in the store: their victims are left out of every count unless includeWarned. */
  warninglists(): Promise<WarninglistSummary[]>;
}
