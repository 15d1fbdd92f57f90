// Countries and, inside one country, its networks (ASNs or organisations): census rows of the
// chosen range, sorted and paged here, or exported as CSV.
import type { FastifyInstance } from 'fastify';
import { countryName } from '../../core/country-names.js';
import type { CensusRow } from '../../store/store.js';
import { ALL_ROLES, type ServerContext } from '../context.js';
import { sendCsv } from '../csv.js';
import { listProps, querySchema, rangeOf, RANGE_PROPS, sortRows, type ListQuery } from '../params.js';
import { censusBy } from '../queries.js';

const CENSUS_SORTS = ['key', 'label', 'count', 'share'] as const;
type CensusSort = (typeof CENSUS_SORTS)[number];
const CENSUS_KEYS: Record<CensusSort, (r: CensusRow) => string | number> = {
  key: (r) => (/^\d+$/.test(r.key) ? Number(r.key) : r.key),
  label: (r) => r.label.toLowerCase(),
  count: (r) => r.count,
  share: (r) => r.share,
};

type CensusListQuery = ListQuery<CensusSort> & { from?: string; to?: string };

const csvColumns = (keyHeader: string) => [
  { header: keyHeader, value: (r: CensusRow) => r.key },
  { header: 'name', value: (r: CensusRow) => r.label },
  { header: 'victims', value: (r: CensusRow) => r.count },
  { header: 'share', value: (r: CensusRow) => r.share.toFixed(6) },
];

export function countryRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: CensusListQuery }>(
    '/api/countries',
    {
      config: { allow: ALL_ROLES },
      schema: { summary: 'Victims per country in the range', tags: ['countries'], querystring: querySchema({ ...RANGE_PROPS, ...listProps(CENSUS_SORTS, 'count') }) },
    },
    async (req, reply) => {
      const c = await censusBy(ctx, req, 'country', rangeOf(req.query));
      const page = sortRows(c.rows, CENSUS_KEYS, req.query);
      if (req.query.format === 'csv') return sendCsv(reply, 'countries', page.rows, csvColumns('country'));
      return { ...page, unit: c.unit, victims: c.total };
    },
  );

  app.get<{ Params: { cc: string }; Querystring: CensusListQuery & { by: 'asn' | 'org'; key?: string } }>(
    '/api/countries/:cc/networks',
    {
      config: { allow: ALL_ROLES },
      schema: {
        summary: "One country's victims per ASN or per organisation",
        tags: ['countries'],
        params: { type: 'object', properties: { cc: { type: 'string', pattern: '^[A-Za-z]{2}$' } }, required: ['cc'] },
        querystring: querySchema({
          ...RANGE_PROPS,
          ...listProps(CENSUS_SORTS, 'count'),
          by: { type: 'string', enum: ['asn', 'org'], default: 'asn' },
          key: { type: 'string', maxLength: 300, description: 'only this network (an AS number, or an organisation): its name, count and share' },
        }),
      },
    },
    async (req, reply) => {
      const cc = req.params.cc.toUpperCase();
      const c = await censusBy(ctx, req, req.query.by, rangeOf(req.query), cc);
      const key = req.query.key;
      const page = sortRows(key === undefined ? c.rows : c.rows.filter((r) => r.key === key), CENSUS_KEYS, req.query);
      if (req.query.format === 'csv') return sendCsv(reply, `${cc}-${req.query.by}`, page.rows, csvColumns(req.query.by));
      return { ...page, country: cc, name: countryName(cc), unit: c.unit, victims: c.total };
    },
  );
}
