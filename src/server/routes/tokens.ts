// API tokens (admin only): list, create (the token is in the answer once, never again), revoke.
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../store/access.js';
import { issueToken } from '../auth/tokens.js';
import { ADMIN, type ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { tokenStore } from '../auth/tokens-sql.js';

export function tokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/tokens', { config: { allow: ADMIN }, schema: { summary: 'API tokens (ids, roles, owners; never the secrets)', tags: ['tokens'] } }, async () => ({
    rows: await ctx.tokens((s) => tokenStore(s).listTokens()),
  }));

  app.post<{ Body: { role: string; owner?: string; label?: string } }>(
    '/api/tokens',
    {
      config: { allow: ADMIN },
      schema: {
        summary: 'Create a token; the answer holds the only copy of it',
        tags: ['tokens'],
        body: {
          type: 'object',
          properties: { role: { type: 'string', enum: [...ROLES] }, owner: { type: 'string', maxLength: 200 }, label: { type: 'string', maxLength: 200 } },
          required: ['role'],
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { token, row } = await ctx.tokens((s) => issueToken(s, req.body));
      return reply.code(201).send({ token, ...row });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/tokens/:id',
    {
      config: { allow: ADMIN },
      schema: {
        summary: 'Revoke a token and end its sessions',
        tags: ['tokens'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } }, required: ['id'] },
      },
    },
    async (req) => {
      if (!(await ctx.tokens((s) => tokenStore(s).revokeToken(req.params.id)))) throw notFound('live token');
      ctx.authChanged();
      return { revoked: req.params.id };
    },
  );
}
