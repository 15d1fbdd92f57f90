// Who is calling: a bearer token, else the session cookie; then the route's roles, then CSRF rules
// for cookie-authenticated writes (SameSite=Strict plus a custom header no cross-site form can send).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors.js';
import type { Principal, ServerContext } from '../context.js';
import { sha256Hex, verifyToken } from './tokens.js';
import { tokenStore } from './tokens-sql.js';

export const CSRF_HEADER = 'x-botcensus-csrf';
export const SESSION_COOKIE = 'botcensus_session';
/** The name used over TLS: the __Host- prefix makes browsers insist on Secure, Path=/ and no Domain. */
export const SECURE_SESSION_COOKIE = '__Host-botcensus_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

async function authenticate(ctx: ServerContext, req: FastifyRequest): Promise<Principal> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer ([^\s]+)$/.exec(header);
    if (!m) throw unauthorized('Authorization must be "Bearer TOKEN"');
    return ctx.principalFor(`bearer:${sha256Hex(m[1]!)}`, async () => {
      const t = await ctx.tokens((s) => verifyToken(s, m[1]!));
      if (!t) throw unauthorized('unknown or revoked token');
      return { tokenId: t.id, role: t.role, owner: t.owner, via: 'bearer' };
    });
  }
  const sid = req.cookies[SECURE_SESSION_COOKIE] ?? req.cookies[SESSION_COOKIE];
  if (!sid) throw unauthorized('sign in or send Authorization: Bearer TOKEN');
  const sessionHash = sha256Hex(sid);
  return ctx.principalFor(`session:${sessionHash}`, async () => {
    const t = await ctx.tokens((s) => tokenStore(s).findSession(sessionHash, new Date()));
    if (!t) throw unauthorized('session expired or signed out; sign in again');
    return { tokenId: t.id, role: t.role, owner: t.owner, via: 'session', sessionHash };
  });
}

/** Same-origin check for writes: a browser's Origin, when sent, must be this server. */
function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (origin !== `${req.protocol}://${req.host}`) throw forbidden('cross-origin request refused');
}

export function installAuth(app: FastifyInstance, ctx: ServerContext): void {
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    void reply;
    const cfg = req.routeOptions.config;
    if (req.is404 || cfg.public) return;
    const p = await authenticate(ctx, req);
    req.principal = p;
    if (!cfg.allow || !cfg.allow.includes(p.role)) throw forbidden(`the ${p.role} role may not ${req.method} ${req.routeOptions.url}`);
    if (!SAFE_METHODS.has(req.method)) {
      checkOrigin(req);
      if (p.via === 'session' && req.headers[CSRF_HEADER] !== '1') throw forbidden(`a signed-in browser must send ${CSRF_HEADER}: 1 on writes`);
    }
  });
}
