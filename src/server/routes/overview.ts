// The overview: headline counts of the three measures, totals of the chosen range, the world map
// and the daily trend (SVG from the report's chart functions), and the indicators that matched most.
import type { FastifyInstance } from 'fastify';
import { trendChartSvg } from '../../report/charts/index.js';
import { ALL_ROLES, ownerScope, type ServerContext } from '../context.js';
import { querySchema, rangeOf, RANGE_PROPS } from '../params.js';
import { censusBy, headline, topIndicators, trend, worldMap } from '../queries.js';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export function overviewRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const rangeQuery = querySchema(RANGE_PROPS);

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/api/overview',
    { config: { allow: ALL_ROLES }, schema: { summary: 'Headline counts and the totals of a time range', tags: ['overview'], querystring: rangeQuery } },
    async (req) => {
      const range = rangeOf(req.query);
      const h = await headline(ctx, req);
      const c = await censusBy(ctx, req, 'country', range);
      const w = (m: keyof typeof h.windows) => ({ from: iso(h.windows[m].from), to: iso(h.windows[m].to) });
      return {
        at: iso(h.at),
        owner: ownerScope(req) ?? null,
        headline: { ...h.counts, windows: { active: w('active'), window: w('window'), cumulative: w('cumulative') } },
        range: { from: iso(range.from), to: iso(range.to), total: c.total, unit: c.unit, addresses: c.addresses, countries: c.rows.length, excluded: c.excluded },
      };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/api/charts/map',
    {
      config: { allow: ALL_ROLES },
      schema: { summary: 'World map of victims by country, as SVG (countries carry data-cc)', tags: ['overview'], querystring: rangeQuery },
    },
    async (req) => worldMap(ctx, req, rangeOf(req.query)),
  );

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/api/charts/trend',
    { config: { allow: ALL_ROLES }, schema: { summary: 'Daily active victims over the range, as data and SVG', tags: ['overview'], querystring: rangeQuery } },
    async (req) => {
      const days = await trend(ctx, req, rangeOf(req.query));
      return { days, svg: trendChartSvg(days.map((d) => ({ day: d.day, value: d.victims })), { label: 'Daily active victims' }) };
    },
  );

  app.get<{ Querystring: { from?: string; to?: string; limit: number } }>(
    '/api/indicators/top',
    {
      config: { allow: ALL_ROLES },
      schema: {
        summary: 'Indicators that matched the most victims in the range (an owner: its own victims)',
        tags: ['indicators'],
        querystring: querySchema({ ...RANGE_PROPS, limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 } }),
      },
    },
    async (req) => ({ rows: await topIndicators(ctx, req, rangeOf(req.query), req.query.limit) }),
  );
}
