// Web sign-in: a token in, an HTTP-only SameSite=Strict session cookie out (Secure over TLS).
// Sign-in takes JSON only, so no cross-site form can post it; sign-out is a cookie write like any other.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newSessionId, sha256Hex, verifyToken } from '../auth/tokens.js';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../auth/plugin.js';
import { ALL_ROLES, principal, type ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { tokenStore } from '../auth/tokens-sql.js';

/** Secure when the request came over TLS (directly, or per a trusted proxy), unless forced. */
function cookiePolicy(ctx: ServerContext, req: FastifyRequest) {
  const secure = ctx.opts.secureCookies ?? req.protocol === 'https';
  return { name: secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, options: { path: '/', httpOnly: true, sameSite: 'strict' as const, secure } };
}

function clearCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(SECURE_SESSION_COOKIE, { path: '/', secure: true });
}

const me = (p: { role: string; owner?: string; tokenId: string }) => ({ role: p.role, owner: p.owner ?? null, tokenId: p.tokenId });

export function sessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const ttl = ctx.opts.sessionTtlMs ?? 12 * 3_600_000;

  app.post<{ Body: { token: string } }>(
    '/api/session',
    {
      config: { public: true },
      schema: {
        summary: 'Sign in with an API token: sets the session cookie',
        tags: ['session'],
        body: { type: 'object', properties: { token: { type: 'string', maxLength: 200 } }, required: ['token'], additionalProperties: false },
      },
    },
    async (req, reply) => {
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'unsupported_media_type', 'sign in with a JSON body');
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `${req.protocol}://${req.host}`) throw new HttpError(403, 'forbidden', 'cross-origin sign-in refused');
      const t = await ctx.tokens((s) => verifyToken(s, req.body.token.trim()));
      if (!t) throw new HttpError(401, 'unauthorized', 'unknown or revoked token');
      const sid = newSessionId();
      const expires = new Date(Date.now() + ttl);
      await ctx.tokens((s) => tokenStore(s).createSession(sha256Hex(sid), t.id, expires));
      const c = cookiePolicy(ctx, req);
      reply.setCookie(c.name, sid, { ...c.options, expires });
      return me({ role: t.role, owner: t.owner, tokenId: t.id });
    },
  );

  app.get('/api/session', { config: { allow: ALL_ROLES }, schema: { summary: 'Who is signed in', tags: ['session'] } }, async (req) => me(principal(req)));

  app.delete('/api/session', { config: { allow: ALL_ROLES }, schema: { summary: 'Sign out: ends the session', tags: ['session'] } }, async (req, reply) => {
    const p = principal(req);
    if (p.sessionHash) await ctx.tokens((s) => tokenStore(s).deleteSession(p.sessionHash!));
    ctx.authChanged();
    clearCookies(reply);
    return { signedOut: true };
  });
}
