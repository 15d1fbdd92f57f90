// Store questions several routes ask, cached per data version and caller scope: the reference
// time, the country census of a range (overview, table and map share it), the headline counts.
import { SPECIAL_PURPOSE_KEY } from '../core/special-purpose.js';
import type { FastifyRequest } from 'fastify';
import { parseIp } from '../core/ip.js';
import { windows } from '../census/census.js';
import { countriesOffMap, loadWorldAtlas, worldMapSvg } from '../report/charts/index.js';
import type { DailyCount, IndicatorCount } from '../store/dashboard.js';
import type { CensusDimension, CensusResult, Measure } from '../store/store.js';
import { ownerScope, type ServerContext } from './context.js';

const DAY = 86_400_000;
/** The longest trend drawn, so "all time" on a years-old store stays one readable chart. */
const MAX_TREND_DAYS = 366;

export interface Range {
  from?: number;
  to?: number;
}

/** Every group: the census' top N is a display cut, the API pages and sorts all of them itself. */
const ALL_GROUPS = 100_000;

/** The latest sighting in the whole store: the reference time of "active" (the last 24 hours). */
export function latest(ctx: ServerContext, req: FastifyRequest): Promise<number | undefined> {
  return ctx.cached(req, 'latest', {}, (s) => s.latestSighting());
}

export function censusBy(ctx: ServerContext, req: FastifyRequest, by: CensusDimension, range: Range, country?: string): Promise<CensusResult> {
  const owner = ownerScope(req);
  return ctx.cached(req, 'census', { by, range, country }, (s) =>
    s.census({
      by,
      measure: range.from === undefined && range.to === undefined ? 'cumulative' : 'window',
      from: range.from,
      to: range.to,
      top: ALL_GROUPS,
      owner,
      constituency: country ? { countries: [country], asns: [], ranges: [] } : undefined,
    }),
  );
}

export interface Headline {
  at?: number;
  counts: Record<Measure, number>;
  windows: Record<Measure, Range>;
}

/** Totals of the three measures (active, 7-day window, cumulative), as `botcensus census` labels them. */
export async function headline(ctx: ServerContext, req: FastifyRequest): Promise<Headline> {
  const at = await latest(ctx, req);
  const w = windows({ by: 'country', measure: 'active' }, at);
  const counts = { active: 0, window: 0, cumulative: 0 };
  for (const m of ['active', 'window', 'cumulative'] as Measure[]) counts[m] = (await censusBy(ctx, req, 'country', { from: w[m].from, to: w[m].to })).total;
  return { at, counts, windows: { active: pick(w.active), window: pick(w.window), cumulative: pick(w.cumulative) } };
}

const pick = (w: Range): Range => ({ from: w.from, to: w.to });

/** Daily active victims over the range; an open range runs from the first telemetry to the latest sighting. */
export async function trend(ctx: ServerContext, req: FastifyRequest, range: Range): Promise<DailyCount[]> {
  const owner = ownerScope(req);
  const to = range.to ?? (await latest(ctx, req));
  if (to === undefined) return [];
  const earliest = range.from ?? (await ctx.cached(req, 'earliest', {}, async (s) => Math.min(...(await s.listImports()).map((i) => i.minTs?.getTime() ?? Infinity))));
  const from = Math.max(Number.isFinite(earliest) ? earliest : to - 30 * DAY, to - MAX_TREND_DAYS * DAY);
  return ctx.cached(req, 'trend', { from, to }, (s) => s.dashboard.dailyActive({ from, to, owner }));
}

/** The range's country census drawn as the world map (SVG), with the countries the map cannot show. */
export async function worldMap(ctx: ServerContext, req: FastifyRequest, range: Range): Promise<{ svg: string; offMap: ReturnType<typeof countriesOffMap> }> {
  const c = await censusBy(ctx, req, 'country', range);
  // Drawing the map costs a few hundred milliseconds: kept like the census it draws.
  return ctx.memo(req, 'map', range, async () => {
    const counts = c.rows.filter((r) => r.key !== '??' && r.key !== SPECIAL_PURPOSE_KEY).map((r) => ({ cc: r.key, count: r.count, name: r.label }));
    const atlas = loadWorldAtlas();
    return { svg: worldMapSvg(counts, atlas, { legendTitle: c.unit === 'devices' ? 'Devices' : 'Victims' }), offMap: countriesOffMap(counts, atlas) };
  });
}

export function topIndicators(ctx: ServerContext, req: FastifyRequest, range: Range, limit: number): Promise<IndicatorCount[]> {
  const owner = ownerScope(req);
  return ctx.cached(req, 'top-indicators', { range, limit }, (s) => s.dashboard.topIndicators({ ...range, limit, owner }));
}

/**
 * Computes, in the background, what the staff dashboard asks first for its three standard ranges
 * (active, the 7-day window, all time): the headline, each range's country census and map (the
 * census also builds the store's victim windows, so drill-downs in those ranges read them), trend,
 * top indicators and the victim list's columns, after folding the sightings (derived tables).
 * Run at start and after each import; `ctx.warming` is the latest run.
 */
export function warmUp(ctx: ServerContext): Promise<void> {
  const staff = { principal: { tokenId: 'warm-up', role: 'admin', via: 'bearer' } } as unknown as FastifyRequest;
  const run = async () => {
    // The server asks many questions of the same data: fold the sightings (derived tables) first.
    await ctx.read((s) => s.prepareForQueries());
    const h = await headline(ctx, staff);
    for (const m of ['active', 'window', 'cumulative'] as Measure[]) {
      const range = m === 'cumulative' ? {} : h.windows[m];
      await worldMap(ctx, staff, range);
      await trend(ctx, staff, range);
      await topIndicators(ctx, staff, range, 10);
      // Builds the range's victim-list columns in the store (any page and sort reads them).
      await ctx.read((s) => s.access.victimPage({ ...range, sort: 'last_seen', dir: 'desc', limit: 1, offset: 0 }));
    }
    // One victim's near misses: pages in the flows' address keys, which every later one scans.
    const first = (await ctx.read((s) => s.access.victimPage({ sort: 'events', dir: 'desc', limit: 1, offset: 0 }))).rows[0];
    const ip = first && parseIp(first.ip);
    if (ip) await ctx.read((s) => s.lookupNearMisses(ip, { graceMs: ctx.graceMs }));
  };
  ctx.warming = run();
  return ctx.warming;
}
