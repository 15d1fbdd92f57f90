import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.js';
import { serveScenario, type Scenario } from '../../test/server-scenario.js';
import { call, json, multipart, signIn, type Method } from './test-client.js';

let s: Scenario;
let app: FastifyInstance;
serveScenario((x, a) => ([s, app] = [x, a]));

/** Every API route with a request to try it, and who may call it. Must list them all (checked below). */
const ROUTES: { route: string; url: string; roles: string[] | 'public'; body?: () => { payload: unknown; headers?: Record<string, string> } }[] = [
  { route: 'GET /api/health', url: '/api/health', roles: 'public' },
  { route: 'POST /api/session', url: '/api/session', roles: 'public' },
  { route: 'GET /api/openapi.json', url: '/api/openapi.json', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/session', url: '/api/session', roles: ['admin', 'analyst', 'owner'] },
  { route: 'DELETE /api/session', url: '/api/session', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/overview', url: '/api/overview', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/charts/map', url: '/api/charts/map', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/charts/trend', url: '/api/charts/trend', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/indicators/top', url: '/api/indicators/top', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/countries', url: '/api/countries', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/countries/{cc}/networks', url: '/api/countries/VN/networks', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/victims', url: '/api/victims', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/victims/{ip}', url: '/api/victims/198.51.101.7', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/victims/{ip}/near-misses', url: '/api/victims/198.51.101.7/near-misses', roles: ['admin', 'analyst', 'owner'] },
  { route: 'GET /api/indicators', url: '/api/indicators', roles: ['admin', 'analyst'] },
  { route: 'GET /api/indicators/sources', url: '/api/indicators/sources', roles: ['admin', 'analyst'] },
  { route: 'GET /api/imports', url: '/api/imports', roles: ['admin', 'analyst'] },
  { route: 'GET /api/imports/{id}', url: '/api/imports/1', roles: ['admin', 'analyst'] },
  { route: 'GET /api/operations', url: '/api/operations', roles: ['admin', 'analyst'] },
  {
    route: 'POST /api/imports',
    url: '/api/imports',
    roles: ['admin', 'analyst'],
    body: () => multipart({ kind: 'intel', source: 'auth-test' }, { name: `iocs-${Math.random()}.txt`, content: `203.0.113.${Math.floor(Math.random() * 200)}\n` }),
  },
  { route: 'GET /api/mail/campaigns', url: '/api/mail/campaigns', roles: ['admin', 'analyst'] },
  { route: 'GET /api/mail/campaigns/{id}', url: '/api/mail/campaigns/000000000000', roles: ['admin', 'analyst'] },
  { route: 'GET /api/tokens', url: '/api/tokens', roles: ['admin'] },
  { route: 'POST /api/tokens', url: '/api/tokens', roles: ['admin'], body: () => ({ payload: { role: 'analyst', label: 'from test' } }) },
  { route: 'DELETE /api/tokens/{id}', url: '/api/tokens/000000000000', roles: ['admin'] },
];

function tokenOf(role: string): string {
  return role === 'admin' ? s.tokens.admin : role === 'analyst' ? s.tokens.analyst : s.tokens.mobileC;
}

function request(r: (typeof ROUTES)[number], headers: Record<string, string>) {
  const [method] = r.route.split(' ') as [Method];
  const b = r.body?.();
  return app.inject({ method, url: r.url, headers: { ...headers, ...(b?.headers ?? {}) }, ...(b ? { payload: b.payload as string } : {}) });
}

test('the route list above covers every route the OpenAPI document describes', async () => {
  const doc = json<{ paths: Record<string, Record<string, { 'x-roles': string[]; security: unknown[] }>> }>(await call(app, 'GET', '/api/openapi.json', s.tokens.admin));
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
  assert.deepEqual(documented.sort(), ROUTES.map((r) => r.route).sort());
  for (const r of ROUTES) {
    const [m, p] = r.route.split(' ') as [string, string];
    const op = doc.paths[p]![m.toLowerCase()]!;
    if (r.roles === 'public') assert.deepEqual(op.security, [], r.route);
    else assert.deepEqual([...op['x-roles']].sort(), [...r.roles].sort(), r.route);
  }
});

test('endpoint by endpoint: no token, a wrong token and a malformed header get 401', async () => {
  for (const r of ROUTES.filter((x) => x.roles !== 'public')) {
    for (const headers of [{}, { authorization: 'Bearer bct_000000000000_' + 'x'.repeat(43) }, { authorization: 'Bearer nonsense' }, { authorization: `Basic ${s.tokens.admin}` }, { cookie: 'botcensus_session=forged' }] as Record<string, string>[]) {
      const res = await request(r, headers);
      assert.equal(res.statusCode, 401, `${r.route} with ${JSON.stringify(headers)}: ${res.body}`);
      assert.ok(!res.body.includes('198.51.101'), 'no data in the refusal');
    }
  }
  assert.equal((await call(app, 'GET', '/api/health')).statusCode, 200);
});

test('endpoint by endpoint: each role gets exactly its routes (others 403)', async () => {
  for (const r of ROUTES.filter((x) => x.roles !== 'public')) {
    for (const role of ['admin', 'analyst', 'owner']) {
      const res = await request(r, { authorization: `Bearer ${tokenOf(role)}` });
      const allowed = (r.roles as string[]).includes(role);
      if (allowed) assert.ok(res.statusCode < 400 || ((r.route.startsWith('DELETE /api/tokens') || r.route === 'GET /api/mail/campaigns/{id}') && res.statusCode === 404), `${role} ${r.route}: ${res.statusCode} ${res.body}`);
      else assert.equal(res.statusCode, 403, `${role} ${r.route}: ${res.body}`);
    }
  }
});

test('read-only tokens cannot import; a revoked token stops working at once', async () => {
  const up = multipart({ kind: 'intel' }, { name: 'x.txt', content: '203.0.113.5\n' });
  const owner = await app.inject({ method: 'POST', url: '/api/imports', headers: { authorization: `Bearer ${s.tokens.telecomA}`, ...up.headers }, payload: up.payload });
  assert.equal(owner.statusCode, 403);
  const created = json<{ token: string; id: string }>(await call(app, 'POST', '/api/tokens', s.tokens.admin, { role: 'analyst' }));
  assert.equal((await call(app, 'GET', '/api/victims', created.token)).statusCode, 200);
  assert.equal((await call(app, 'DELETE', `/api/tokens/${created.id}`, s.tokens.admin)).statusCode, 200);
  assert.equal((await call(app, 'GET', '/api/victims', created.token)).statusCode, 401);
  const bad = await call(app, 'POST', '/api/tokens', s.tokens.admin, { role: 'owner', owner: 'Nobody Ltd' });
  assert.equal(bad.statusCode, 400);
  assert.match(json(bad).message as string, /no owner named "Nobody Ltd"/);
});

test('sessions: HttpOnly SameSite=Strict cookie, not Secure on plain HTTP, Secure behind TLS; CSRF header on writes', async () => {
  const { cookie, setCookie } = await signIn(app, s.tokens.analyst);
  assert.match(setCookie, /^botcensus_session=[A-Za-z0-9_-]{43};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.match(setCookie, /Path=\//);
  assert.doesNotMatch(setCookie, /Secure/);
  assert.equal(json((await call(app, 'GET', '/api/session', undefined, undefined, { cookie }))).role, 'analyst');
  assert.equal((await call(app, 'GET', '/api/victims', undefined, undefined, { cookie })).statusCode, 200);
  const up = multipart({ kind: 'intel' }, { name: 'csrf.txt', content: '203.0.113.6\n' });
  const noHeader = await app.inject({ method: 'POST', url: '/api/imports', headers: { cookie, ...up.headers }, payload: up.payload });
  assert.equal(noHeader.statusCode, 403);
  assert.match(json(noHeader).message as string, /x-botcensus-csrf/);
  const crossSite = await app.inject({ method: 'POST', url: '/api/imports', headers: { cookie, 'x-botcensus-csrf': '1', origin: 'https://evil.example', ...up.headers }, payload: up.payload });
  assert.equal(crossSite.statusCode, 403);
  const ok = await app.inject({ method: 'POST', url: '/api/imports', headers: { cookie, 'x-botcensus-csrf': '1', ...up.headers }, payload: up.payload });
  assert.equal(ok.statusCode, 200, ok.body);
  // Sign-in takes JSON only: a cross-site form (text/plain or urlencoded) cannot post it.
  for (const [type, payload] of [['text/plain', JSON.stringify({ token: s.tokens.analyst })], ['application/x-www-form-urlencoded', `token=${s.tokens.analyst}`]])
    assert.ok([400, 415].includes((await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': type }, payload })).statusCode), type);
  assert.equal((await app.inject({ method: 'POST', url: '/api/session', payload: { token: s.tokens.analyst }, headers: { origin: 'https://evil.example' } })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: '/api/session', payload: { token: 'bct_nope' } })).statusCode, 401);
  // Sign-out ends the session on the server, not just in the browser.
  assert.equal((await call(app, 'DELETE', '/api/session', undefined, undefined, { cookie, 'x-botcensus-csrf': '1' })).statusCode, 200);
  assert.equal((await call(app, 'GET', '/api/victims', undefined, undefined, { cookie })).statusCode, 401);
});

test('behind a TLS proxy the cookie is Secure and __Host- prefixed', async () => {
  const tls = await buildServer(s.store, { webRoot: null, trustProxy: true });
  try {
    const { cookie, setCookie } = await signIn(tls, s.tokens.admin, { 'x-forwarded-proto': 'https' });
    assert.match(setCookie, /^__Host-botcensus_session=/);
    assert.match(setCookie, /; Secure/);
    assert.equal((await call(tls, 'GET', '/api/session', undefined, undefined, { cookie, 'x-forwarded-proto': 'https' })).statusCode, 200);
  } finally {
    await tls.close();
  }
});
