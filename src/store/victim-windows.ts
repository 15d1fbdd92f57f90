// The relations the census is written over (src/census): for a time window, its victims (one row
// per victim, counted as the census counts them) and its evidence (the window's sightings folded
// per victim, indicator, kind and family). Every question of the census stage (counts, victim
// lists, the daily trend, top indicators) is one query over these two, written once.
//
// The census stage computes them over the shared tables (src/census/neutral-windows.ts), keeping each
// window's victims for the data version where the driver keeps tables (capability `kept-tables`).
import { formatIp } from '../core/ip.js';
import type { Sql } from './sql.js';
import type { Grade, VictimRow } from './store.js';

export interface WindowRelations {
  /**
   * One row per victim with a sighting that overlaps the window: victim (address), grade (1
   * one-way, 2 two-way, 3 confirmed), unit (what it counts as: the address, or a number standing
   * for its device, distinct from every address), device (its device id, if any), ident (its row
   * in device_identities, if identified), country, asn, as_org, special, warned_by (the
   * warninglists it is on, '; '-joined, or NULL), owner (its most specific owner, or NULL),
   * first_seen, last_seen, events. A relation to put after FROM.
   */
  victims: Sql;
  /**
   * The window's sightings as rows of victim, indicator_id, rkey (the report type of report
   * sightings, which have no indicator), kind, family, g (best single-sighting grade), t, f (the
   * directions seen), dev, f0, l0, events. A relation to put after FROM.
   */
  evidence: Sql;
}

export interface VictimWindows {
  /**
   * Runs `fn` with the relations of the window [from, to] (epoch ms, both ends in; open where
   * absent). They stay valid until `fn` returns: questions about one window belong inside it.
   */
  read<T>(w: { from?: number; to?: number }, fn: (r: WindowRelations) => Promise<T>): Promise<T>;
  /**
   * Keep what makes windows fast current from now on, building it now: for a process that asks
   * many questions (the server, a report).
   */
  prepare(): Promise<void>;
}

export const GRADE_RANK: Record<Grade, number> = { 'one-way': 1, 'two-way': 2, confirmed: 3 };
export const GRADE_OF_RANK: Grade[] = ['one-way', 'one-way', 'two-way', 'confirmed'];

/** A row of WindowRelations.victims with the victim's lists (families, indicators, kinds), as a VictimRow. */
export function victimRow(r: Record<string, unknown>): VictimRow {
  return {
    ip: formatIp(r.victim as bigint),
    country: (r.country as string | null) ?? undefined,
    asn: r.asn === null ? undefined : Number(r.asn),
    asOrg: (r.as_org as string | null) ?? undefined,
    families: r.families as string[],
    indicators: r.indicators as string[],
    kinds: r.kinds as string[],
    grade: GRADE_OF_RANK[Number(r.grade)]!,
    firstSeen: r.first_seen as Date,
    lastSeen: r.last_seen as Date,
    events: Number(r.events),
    deviceId: (r.device as string | null) ?? undefined,
    warnings: r.warned_by ? String(r.warned_by).split('; ') : [],
    owner: (r.owner as string | null) ?? undefined,
    special: (r.special as string | null) ?? undefined,
  };
}
