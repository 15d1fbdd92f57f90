// Serves the built web app (Vite output) from memory: index.html at "/", hashed files under
// /assets/ cached for a year. Public: the sign-in page must load before anyone has a session,
// and these files hold no data.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** dist-web/ at the package root (this file runs from dist/src/server/). */
export const DEFAULT_WEB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../dist-web');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export function installStaticFiles(app: FastifyInstance, root: string | null): void {
  const files = new Map<string, { body: Buffer; type: string }>();
  if (root && existsSync(join(root, 'index.html')))
    for (const p of listFiles(root)) {
      const url = '/' + relative(root, p).split(sep).join('/');
      files.set(url, { body: readFileSync(p), type: TYPES[extname(p)] ?? 'application/octet-stream' });
    }
  const index = files.get('/index.html');
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    if (!index) return reply.code(503).type('text/plain; charset=utf-8').send('The web app is not built: run `npm run build:web`. The API is under /api/.');
    return reply.type(index.type).header('cache-control', 'no-cache').send(index.body);
  });
  app.get('/assets/*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const f = files.get(req.url.split('?')[0]!);
    if (!f) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    return reply.type(f.type).header('cache-control', 'public, max-age=31536000, immutable').send(f.body);
  });
}
