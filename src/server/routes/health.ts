// GET /api/health: for load balancers, monitors and the web app's "preparing the data" screen;
// anonymous, says nothing about the data. Answered from memory: never waits for the store.
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        summary: 'Health check: "ok", or "warming" with progress while the dashboard\'s answers are prepared',
        tags: ['meta'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok', 'warming'] },
              progress: {
                type: 'object',
                properties: { done: { type: 'integer' }, total: { type: 'integer' }, step: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    async () => {
      const w = ctx.warmUpState;
      return w.status === 'ok' ? { status: 'ok' } : { status: 'warming', progress: { done: w.done, total: w.total, step: w.step } };
    },
  );
}
