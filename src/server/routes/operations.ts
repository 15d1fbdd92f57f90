// GET /api/operations: the store's size, the raw telemetry kept (oldest and newest), retention, and
// the drop folders with their latest files, rejected ones first to see.
import type { FastifyInstance } from 'fastify';
import { STAFF, type OperationsStatus, type ServerContext } from '../context.js';
import { rawTelemetrySpan } from '../../telemetry/retention.js';

export function operationsRoutes(app: FastifyInstance, ctx: ServerContext, operations?: () => OperationsStatus): void {
  app.get(
    '/api/operations',
    {
      config: { allow: STAFF },
      schema: { summary: 'Store size, raw telemetry kept, retention and drop folders', tags: ['imports'] },
    },
    async () => {
      const raw = await ctx.read((s) => rawTelemetrySpan(s.driver));
      return { ...(operations?.() ?? {}), raw };
    },
  );
}
