// The OpenAPI 3.1 document at /api/openapi.json, built from the routes themselves: each route's
// JSON schemas (which Fastify also validates requests with), summary, and who may call it.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { ALL_ROLES } from './context.js';

declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
    /** Left out of the document (static files). */
    hide?: boolean;
    /** Request body media types other than JSON (uploads). */
    consumes?: string[];
  }
}

interface Collected {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  public: boolean;
  roles: readonly string[];
}

type JsonSchema = { properties?: Record<string, Record<string, unknown>>; required?: string[] } & Record<string, unknown>;

function parameters(where: 'query' | 'path', s: JsonSchema | undefined): unknown[] {
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: where, required: where === 'path' || (s.required ?? []).includes(name), description, schema: rest };
  });
}

function operation(r: Collected): Record<string, unknown> {
  const s = r.schema;
  const op: Record<string, unknown> = {
    summary: s.summary,
    description: [s.description, r.public ? 'No sign-in needed.' : `Roles: ${r.roles.join(', ')}.`].filter(Boolean).join('\n\n'),
    tags: s.tags,
    parameters: [...parameters('path', s.params as JsonSchema), ...parameters('query', s.querystring as JsonSchema)],
    security: r.public ? [] : [{ bearer: [] }, { session: [] }],
    'x-roles': r.public ? [] : r.roles,
    responses: s.response ?? { 200: { description: 'OK' } },
  };
  if (s.body) op.requestBody = { required: true, content: { 'application/json': { schema: s.body } } };
  if (s.consumes) op.requestBody = { required: true, content: Object.fromEntries((s.consumes as string[]).map((c) => [c, { schema: {} }])) };
  return op;
}

/** Records every /api/ route as it is added; call before adding routes. */
export function collectRoutes(app: FastifyInstance): () => Record<string, unknown> {
  const routes: Collected[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const schema = (r.schema ?? {}) as Record<string, unknown>;
    if (!r.url.startsWith('/api/') || schema.hide) return;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method: method.toLowerCase(), url: r.url, schema, public: Boolean(r.config?.public), roles: r.config?.allow ?? [] });
    }
  });
  return () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routes) {
      const path = r.url.replace(/:([A-Za-z_]+)/g, '{$1}');
      (paths[path] ??= {})[r.method] = operation(r);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'botcensus API',
        version: '1',
        description:
          'Botnet census: counts, victims and their evidence, indicators and imports. Authenticate with `Authorization: Bearer TOKEN` ' +
          '(tokens from `botcensus tokens create`) or the web session cookie; cookie-authenticated writes must send `x-botcensus-csrf: 1`. ' +
          `Roles: ${ALL_ROLES.join(', ')}; an owner token sees only the victims inside its own networks. ` +
          'List endpoints take sort, dir, limit, offset and format=csv.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'botcensus_session' },
        },
      },
      paths,
    };
  };
}
