// Mail campaigns (staff only: recipients are people): the campaigns found by botcensus mail scan
// with their verdict and evidence, and one campaign with its messages. Read straight from the
// store: a mail scan does not change the data version the answer cache keys on.
import type { FastifyInstance } from 'fastify';
import type { MailVerdict } from '../../mail/records.js';
import { STAFF, type ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { querySchema } from '../params.js';
import { mailStore } from '../../mail/store.js';

const VERDICTS: MailVerdict[] = ['tracking', 'marketing', 'clean'];

export function mailRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { verdict?: MailVerdict; limit: number } }>(
    '/api/mail/campaigns',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'Mail campaigns with verdict, evidence, recipients and beacon hosts (tracking first)',
        tags: ['mail'],
        querystring: querySchema({
          verdict: { type: 'string', enum: VERDICTS },
          limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
        }),
      },
    },
    async (req) => {
      const [rows, counts] = await ctx.read(async (s) => [await mailStore(s).campaigns({ verdict: req.query.verdict, limit: req.query.limit }), await mailStore(s).counts()] as const);
      return { rows, counts };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/mail/campaigns/:id',
    {
      config: { allow: STAFF },
      schema: {
        summary: 'One mail campaign and its messages (at most 1,000, oldest first)',
        tags: ['mail'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } }, required: ['id'] },
      },
    },
    async (req) => {
      const found = await ctx.read(async (s) => {
        const c = await mailStore(s).campaign(req.params.id);
        return c ? { ...c, messageList: await mailStore(s).campaignMessages(c.id) } : undefined;
      });
      if (!found) throw notFound('campaign');
      return found;
    },
  );
}
