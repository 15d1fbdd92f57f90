// Victims (filtered by country and ASN, sorted and paged in the store, or exported as CSV) and one
// victim's evidence, the same as `botcensus lookup`. An owner sees only victims it owns; any other
// address answers 404, as if it had never been seen.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseIp } from '../../core/ip.js';
import { VICTIM_SORTS, victimPage, type VictimSort } from '../access/window-pages-sql.js';
import { ALL_ROLES, ownerScope, type ServerContext } from '../context.js';
import { sendCsv, VICTIM_CSV } from '../csv.js';
import { badRequest, notFound } from '../errors.js';
import { listProps, pageOf, querySchema, rangeOf, RANGE_PROPS, type ListQuery } from '../params.js';
import { lookupEvidenceOf, lookupNearMisses } from '../../match/lookup.js';
import { sightingsByVictim } from '../../census/pair-days.js';
import { ownerOf } from '../../notify/owners-sql.js';

type VictimListQuery = ListQuery<VictimSort> & { from?: string; to?: string; country?: string; asn?: number; org?: string; indicator?: string };


export function victimRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: VictimListQuery }>(
    '/api/victims',
    {
      config: { allow: ALL_ROLES },
      schema: {
        summary: 'Victims seen in the range, with enrichment, evidence grade and first/last seen',
        tags: ['victims'],
        querystring: querySchema({
          ...RANGE_PROPS,
          ...listProps(VICTIM_SORTS, 'last_seen'),
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166 alpha-2 code' },
          asn: { type: 'integer', minimum: 0, maximum: 4294967295 },
          org: { type: 'string', maxLength: 300, description: 'AS organisation, as /api/countries/:cc/networks?by=org names it' },
          indicator: { type: 'string', maxLength: 2000, description: 'only victims that matched this indicator value in the range' },
        }),
      },
    },
    async (req, reply) => {
      const q = req.query;
      const owner = ownerScope(req);
      const page = await ctx.cached(req, 'victims', q, (s) =>
        victimPage(s, { ...pageOf(q), ...rangeOf(q), country: q.country?.toUpperCase(), asn: q.asn, org: q.org || undefined, indicator: q.indicator || undefined, owner }),
      );
      if (q.format === 'csv') return sendCsv(reply, 'victims', page.rows, VICTIM_CSV);
      return page;
    },
  );

  /** The address of `/api/victims/:ip...`, when the caller may see it (an owner only its own). */
  async function visibleVictim(req: FastifyRequest<{ Params: { ip: string } }>): Promise<{ ip: bigint; ownedBy: string | undefined }> {
    const ip = parseIp(req.params.ip);
    if (ip === null) throw badRequest(`not an IP address: ${JSON.stringify(req.params.ip)}`);
    const owner = ownerScope(req);
    const ownedBy = await ctx.read((s) => ownerOf(s.driver, ip));
    if (owner !== undefined && ownedBy !== owner) throw notFound('victim');
    return { ip, ownedBy };
  }
  const ipParams = { type: 'object', properties: { ip: { type: 'string', maxLength: 64 } }, required: ['ip'] } as const;

  app.get<{ Params: { ip: string } }>(
    '/api/victims/:ip',
    {
      config: { allow: ALL_ROLES },
      schema: {
        summary: "One address's evidence: enrichment, indicators, sightings with files and lines (near misses: /near-misses)",
        tags: ['victims'],
        params: ipParams,
      },
    },
    async (req) => {
      const { ip, ownedBy } = await visibleVictim(req);
      const r = await ctx.cached(req, 'evidence', { ip: ip.toString() }, async (s) => lookupEvidenceOf(s, ip, await sightingsByVictim(s.driver)));
      return { ...r, owner: ownedBy ?? null };
    },
  );

  app.get<{ Params: { ip: string } }>(
    '/api/victims/:ip/near-misses',
    {
      config: { allow: ALL_ROLES },
      schema: {
        summary: "One address's near misses (telemetry that touched an indicator but did not count, with why) and its telemetry rows; reads the raw telemetry",
        tags: ['victims'],
        params: ipParams,
      },
    },
    async (req) => {
      const { ip } = await visibleVictim(req);
      return ctx.cached(req, 'near-misses', { ip: ip.toString() }, (s) => lookupNearMisses(s.driver, ip, { graceMs: ctx.graceMs }));
    },
  );
}
