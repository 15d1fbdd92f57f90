// GET /api/health: for load balancers and monitors; anonymous, says nothing about the data.
import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance): void {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: { summary: 'Health check', tags: ['meta'], response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } },
    },
    async () => ({ status: 'ok' }),
  );
}
