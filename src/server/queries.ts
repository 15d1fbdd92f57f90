// Store questions several routes ask, cached per data version and caller scope: the reference
// time, the country census of a range (overview, table and map share it), the headline counts.
import { SPECIAL_PURPOSE_KEY } from '../core/special-purpose.js';
import type { FastifyRequest } from 'fastify';
import { parseIp } from '../core/ip.js';
import { windows } from '../census/census.js';
import type { CensusDimension, CensusResult, Measure } from '../store/store.js';
import { ownerScope, type ServerContext } from './context.js';
import type { DrawnMap } from './map-drawer.js';
import { census } from '../census/count.js';
import { dailyActive, topIndicators as topIndicatorsOf, type DailyCount, type IndicatorCount } from '../census/dashboard.js';
import { prepareForQueries } from '../census/prepare.js';
import { lookupNearMisses } from '../match/lookup.js';
import { latestSighting } from '../census/victim-counts.js';
import { victimPage } from './access/window-pages-sql.js';

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
  return ctx.cached(req, 'latest', {}, (s) => latestSighting(s.driver));
}

export function censusBy(ctx: ServerContext, req: FastifyRequest, by: CensusDimension, range: Range, country?: string): Promise<CensusResult> {
  const owner = ownerScope(req);
  return ctx.cached(req, 'census', { by, range, country }, (s) =>
    census(s, {
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
  return ctx.cached(req, 'trend', { from, to }, (s) => dailyActive(s, { from, to, owner }));
}

/** The range's country census drawn as the world map (SVG), with the countries the map cannot show. */
export async function worldMap(ctx: ServerContext, req: FastifyRequest, range: Range): Promise<DrawnMap> {
  const c = await censusBy(ctx, req, 'country', range);
  // Drawing the map costs a few hundred milliseconds of CPU: done in a worker thread (so other
  // answers go on meanwhile) and kept like the census it draws.
  return ctx.memo(req, 'map', range, async () => {
    const counts = c.rows.filter((r) => r.key !== '??' && r.key !== SPECIAL_PURPOSE_KEY).map((r) => ({ cc: r.key, count: r.count, name: r.label }));
    // An owner whose victims are all in one country sees that country, not a world of grey.
    const focus = ownerScope(req) !== undefined && counts.length === 1 ? counts[0]!.cc : undefined;
    return ctx.maps.draw(counts, { legendTitle: c.unit === 'devices' ? 'Devices' : 'Victims', focus });
  });
}

export function topIndicators(ctx: ServerContext, req: FastifyRequest, range: Range, limit: number): Promise<IndicatorCount[]> {
  const owner = ownerScope(req);
  return ctx.cached(req, 'top-indicators', { range, limit }, (s) => topIndicatorsOf(s, { ...range, limit, owner }));
}

/** The range picker's presets that count back from the latest sighting (web/src/range.ts), in hours. */
export const PRESET_HOURS = { active: 24, '7d': 168, '30d': 720 } as const;

/**
 * Computes, in the background, what the staff dashboard asks first for every preset of the range
 * picker (the last 24 hours, 7 and 30 days, all time): the headline, each range's country census
 * and map (the census also builds the store's victim windows, so drill-downs in those ranges read
 * them), trend, top indicators and the victim list's columns, after folding the sightings (derived
 * tables). Run at start and after each import; `ctx.warming` is the latest run and
 * `ctx.warmUpState` its progress, which /api/health reports.
 */
export function warmUp(ctx: ServerContext): Promise<void> {
  const staff = { principal: { tokenId: 'warm-up', role: 'admin', via: 'bearer' } } as unknown as FastifyRequest;
  const announce = ctx.opts.announce ?? (() => undefined);
  const ranges = Object.keys(PRESET_HOURS).length + 1;
  const total = 2 + ranges * 4 + 1;
  const state = { status: 'warming' as const, done: 0, total, step: 'folding the sightings' };
  // Set before the first await, so a health check right after the start already says "warming".
  ctx.warmUpState = state;
  const latestRun = () => ctx.warmUpState === state;
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    if (latestRun()) state.step = name;
    const out = await fn();
    state.done++;
    return out;
  };
  const started = performance.now();
  announce(`preparing the data (${total} steps)`);
  const run = async () => {
    // The server asks many questions of the same data: fold the sightings per day (pair_days) first.
    await step('folding the sightings', () => ctx.read((s) => prepareForQueries(s)));
    // Folding may add what the data version counts (enrichment): read it again.
    ctx.dataChanged();
    const h = await step('headline counts', () => headline(ctx, staff));
    const presets: [string, Range][] = Object.entries(PRESET_HOURS).map(([name, hours]) => [name, h.at === undefined ? {} : { from: h.at - hours * 3_600_000, to: h.at }]);
    presets.push(['all time', {}]);
    for (const [name, range] of presets) {
      await step(`${name}: map`, () => worldMap(ctx, staff, range));
      await step(`${name}: trend`, () => trend(ctx, staff, range));
      await step(`${name}: indicators`, () => topIndicators(ctx, staff, range, 10));
      // Builds the range's victim-list columns in the store (any page and sort reads them).
      await step(`${name}: victim list`, () => ctx.read((s) => victimPage(s, { ...range, sort: 'last_seen', dir: 'desc', limit: 1, offset: 0 })));
    }
    // One victim's near misses: pages in the flows' address keys, which every later one scans.
    await step('near misses', async () => {
      const first = (await ctx.read((s) => victimPage(s, { sort: 'events', dir: 'desc', limit: 1, offset: 0 }))).rows[0];
      const ip = first && parseIp(first.ip);
      if (ip) await ctx.read((s) => lookupNearMisses(s.driver, ip, { graceMs: ctx.graceMs }));
    });
  };
  ctx.warming = run().then(
    () => {
      if (latestRun()) ctx.warmUpState = { status: 'ok', done: total, total };
      announce(`ready: the dashboard's answers are prepared (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    },
    (err: Error) => {
      // The dashboard still answers, each question computed when asked.
      if (latestRun()) ctx.warmUpState = { status: 'ok', done: state.done, total };
      announce(`ready, without the prepared answers: the warm-up stopped: ${err.message}`);
      throw err;
    },
  );
  return ctx.warming;
}
