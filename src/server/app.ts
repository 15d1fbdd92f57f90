// The HTTP server: a Fastify app over a store, with the JSON API under /api/ (described at
// /api/openapi.json) and the built web app at /. Tests call buildServer() and use inject().
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { limits } from '../core/limits.js';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { installAuth } from './auth/plugin.js';
import { ServerContext, type ServerOptions } from './context.js';
import { installErrorHandlers } from './errors.js';
import { collectRoutes } from './openapi.js';
import { warmUp } from './queries.js';
import { countryRoutes } from './routes/countries.js';
import { healthRoutes } from './routes/health.js';
import { importRoutes } from './routes/imports.js';
import { indicatorRoutes } from './routes/indicators.js';
import { mailRoutes } from './routes/mail.js';
import { operationsRoutes } from './routes/operations.js';
import { overviewRoutes } from './routes/overview.js';
import { sessionRoutes } from './routes/session.js';
import { tokenRoutes } from './routes/tokens.js';
import { victimRoutes } from './routes/victims.js';
import { installSecurityHeaders } from './security-headers.js';
import { DEFAULT_WEB_ROOT, installStaticFiles } from './static-files.js';

export type { ServerOptions } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolves when the latest background warm-up has finished (at once without `warm`). */
    warmed(): Promise<void>;
    /** Runs `fn` in the writes' turn (imports): for changes made to the store from outside the routes. */
    exclusive<T>(fn: () => Promise<T>): Promise<T>;
    /** Runs `fn` in the questions' turn, on the store the routes read from. */
    question<T>(fn: (store: Store) => Promise<T>): Promise<T>;
    /** The store changed outside the routes (a handed-off import): prepare the dashboard's answers again. */
    storeChanged(): void;
  }
}

export async function buildServer(store: Store, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  // Questions on a connection of their own where the store has one: imports then do not hold them up.
  const ctx = new ServerContext(store, opts, opts.readStore ? undefined : await store.reader?.());
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: opts.maxUploadBytes ?? limits().maxUploadBytes, files: 1, fields: 20, fieldSize: 4096 } });
  installErrorHandlers(app);
  installSecurityHeaders(app);
  installAuth(app, ctx);
  const openapi = collectRoutes(app);

  healthRoutes(app, ctx);
  app.get('/api/openapi.json', { config: { allow: ['admin', 'analyst', 'owner'] }, schema: { summary: 'This document', tags: ['meta'] } }, async () => openapi());
  sessionRoutes(app, ctx);
  overviewRoutes(app, ctx);
  countryRoutes(app, ctx);
  victimRoutes(app, ctx);
  indicatorRoutes(app, ctx);
  importRoutes(app, ctx);
  tokenRoutes(app, ctx);
  mailRoutes(app, ctx);
  installStaticFiles(app, opts.webRoot === undefined ? DEFAULT_WEB_ROOT : opts.webRoot);
  if (opts.warm) app.addHook('onReady', async () => void warmUp(ctx).catch((err: Error) => app.log.warn({ err }, 'warm-up stopped')));
  // For the latency benchmark: wait for the background warm-up before measuring.
  app.decorate('warmed', () => ctx.warming.catch(() => undefined));
  app.decorate('exclusive', <T>(fn: () => Promise<T>) => ctx.writeGate.run(fn));
  app.decorate('question', <T>(fn: (store: Store) => Promise<T>) => ctx.read(fn));
  app.decorate('storeChanged', () => {
    ctx.dataChanged();
    // A token revoked by a handed-off command stops working at once, not when its memory expires.
    ctx.authChanged();
    if (opts.warm) void warmUp(ctx).catch((err: Error) => app.log.warn({ err }, 'warm-up stopped'));
  });
  operationsRoutes(app, ctx, opts.operations);
  // The store outlives the server: let the running query finish before whoever owns it closes it.
  app.addHook('onClose', async () => ctx.close());
  return app;
}
