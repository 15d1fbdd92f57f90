// Indicators (staff only: their victim counts span every network): search, filter by source, type
// and whether they matched, sorted and paged in the store; and counts per intel source.
import type { FastifyInstance } from 'fastify';
import { displayIndicator } from '../../core/domain-display.js';
import { INDICATOR_SORTS, indicatorPage, type IndicatorSort } from '../access/window-pages-sql.js';
import type { IndicatorRow } from '../../store/store.js';
import { STAFF, type ServerContext } from '../context.js';
import { sendCsv, type CsvColumn } from '../csv.js';
import { listProps, pageOf, querySchema, rangeOf, RANGE_PROPS, type ListQuery } from '../params.js';
import { indicatorSources } from '../access/pages-sql.js';

type IndicatorListQuery = ListQuery<IndicatorSort> & { q?: string; source?: string; type?: string; matched?: 'yes' | 'no'; from?: string; to?: string };

const CSV: CsvColumn<IndicatorRow>[] = [
  { header: 'value', value: (r) => r.value },
  { header: 'display', value: (r) => displayIndicator(r.type, r.value) },
  { header: 'type', value: (r) => r.type },
  { header: 'source', value: (r) => r.source },
  { header: 'family', value: (r) => r.family },
  { header: 'tags', value: (r) => r.tags },
  { header: 'first_seen', value: (r) => r.firstSeen },
  { header: 'last_seen', value: (r) => r.lastSeen },
  { header: 'for_detection', value: (r) => r.forDetection },
  { header: 'warninglists', value: (r) => r.warnings },
  { header: 'victims', value: (r) => r.victims },
  { header: 'description', value: (r) => r.description },
];

export function indicatorRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: IndicatorListQuery }>(
    '/api/indicators',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'Indicators with the victims each matched in the range (all time without one)',
        tags: ['indicators'],
        querystring: querySchema({
          ...RANGE_PROPS,
          ...listProps(INDICATOR_SORTS, 'victims'),
          q: { type: 'string', maxLength: 200, description: 'text searched in value, family, description and tags' },
          source: { type: 'string', maxLength: 200 },
          type: { type: 'string', maxLength: 40 },
          matched: { type: 'string', enum: ['yes', 'no'], description: 'only indicators that matched (yes) or did not (no)' },
        }),
      },
    },
    async (req, reply) => {
      const q = req.query;
      const range = rangeOf(q);
      const page = await ctx.cached(req, 'indicators', q, (s) =>
        indicatorPage(s, {
          ...pageOf(q),
          ...range,
          q: q.q || undefined,
          source: q.source || undefined,
          type: q.type || undefined,
          matched: q.matched === undefined ? undefined : q.matched === 'yes',
        }),
      );
      if (q.format === 'csv') return sendCsv(reply, 'indicators', page.rows, CSV);
      // `display`: internationalised domains in both forms (punycode and Unicode), so that look-alikes show.
      return { ...page, rows: page.rows.map((r) => ({ ...r, display: displayIndicator(r.type, r.value) })) };
    },
  );

  app.get(
    '/api/indicators/sources',
    { config: { allow: STAFF }, schema: { summary: 'Per intel source: indicators, how many matched, victims matched', tags: ['indicators'] } },
    async (req) => ({ rows: await ctx.cached(req, 'indicator-sources', {}, (s) => indicatorSources(s.driver)) }),
  );
}
