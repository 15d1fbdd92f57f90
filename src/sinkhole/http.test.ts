import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { metricValue } from './metrics.js';
import { adminGet, startTestSinkhole, type TestSinkhole } from './test-helpers.js';

/** A self-signed certificate for *.c2.example, made by openssl for this test. */
function selfSigned(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'botcensus-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=*.c2.example',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function get(port: number, path: string, headers: Record<string, string>, tls?: { servername: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const opts = { host: '127.0.0.1', port, path, headers, agent: false as const };
    const done = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    };
    const req = tls ? httpsRequest({ ...opts, servername: tls.servername, rejectUnauthorized: false }, done) : httpRequest(opts, done);
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP and HTTPS listeners', () => {
  let s: TestSinkhole;
  before(async () => {
    const tls = selfSigned();
    s = await startTestSinkhole(
      { http: { host: '127.0.0.1', port: 0 }, https: { host: '127.0.0.1', port: 0, ...tls }, botId: ['header:x-bot', 'query:uid', 'path:^/gate/([0-9a-f]+)'] },
      { ratePerSecond: 0, connectionsPerPrefix: 3, headerTimeoutMs: 300 },
    );
  });
  after(() => s.close());

  it('logs method, host, path, query, user agent and chosen headers, answering a small fixed response', async () => {
    const r = await get(s.port('http'), '/gate/00ab12?uid=alpha&x=1', { host: 'WWW.C2.example:8080', 'user-agent': 'Mozi/1.0', referer: 'http://a.example/', 'x-other': 'dropped' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'OK\n');
    const c = (await s.checkins()).find((x) => x.l === 'http')!;
    assert.equal(c.n, 'c2.example');
    assert.equal(c.q, 'www.c2.example');
    assert.equal(c.m, 'GET');
    assert.equal(c.path, '/gate/00ab12');
    assert.equal(c.query, 'uid=alpha&x=1');
    assert.equal(c.ua, 'Mozi/1.0');
    assert.deepEqual(c.h, { referer: 'http://a.example/' });
    assert.equal(c.bot, 'alpha');
    assert.equal(c.fam, 'raptortrain');
  });

  it('logs a request to an unlisted host under the listener address it reached', async () => {
    await get(s.port('http'), '/', { host: 'unrelated.example' });
    const c = (await s.checkins()).find((x) => x.q === 'unrelated.example')!;
    assert.equal(c.n, '127.0.0.1');
  });

  it('logs the SNI of HTTPS check-ins', async () => {
    const r = await get(s.port('https'), '/p?k=v', { host: 'cdn.evil.example', 'x-bot': 'B-77' }, { servername: 'api.c2.example' });
    assert.equal(r.status, 200);
    const c = (await s.checkins()).find((x) => x.l === 'https')!;
    assert.equal(c.sni, 'api.c2.example');
    assert.equal(c.q, 'cdn.evil.example');
    assert.equal(c.n, 'evil.example');
    assert.equal(c.bot, 'B-77');
  });

  it('closes a client that never finishes its headers (slowloris) and counts it', async () => {
    const sock = connect(s.port('http'), '127.0.0.1');
    sock.on('error', () => undefined);
    sock.write('GET / HTTP/1.1\r\nHost: c2.example\r\nX-Slow: ');
    const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
    const tick = setInterval(() => sock.write('a'), 100);
    await closed;
    clearInterval(tick);
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.equal(metricValue(m, 'shed_total', { listener: 'http', reason: 'timeout' }), 1);
  });

  it('refuses connections past the per-prefix limit and counts them for that prefix', async () => {
    const socks = Array.from({ length: 5 }, () => connect({ port: s.port('http'), host: '127.0.0.1', localAddress: '127.0.0.9' }));
    const closed = await Promise.all(
      socks.map(
        (k) =>
          new Promise<boolean>((resolve) => {
            k.on('error', () => undefined);
            k.on('close', () => resolve(true));
            setTimeout(() => resolve(false), 250);
          }),
      ),
    );
    assert.equal(closed.filter(Boolean).length, 2);
    for (const k of socks) k.destroy();
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.equal(metricValue(m, 'shed_by_prefix_total', { listener: 'http', prefix: '127.0.0.9' }), 2);
    const h = await adminGet(s.port('admin'), '/health');
    assert.equal(h.status, 200);
    assert.equal(JSON.parse(h.body).status, 'green');
  });

  it('closes a client whose headers are too large and counts it by size', async () => {
    const r = await new Promise<string>((resolve) => {
      const sock = connect(s.port('http'), '127.0.0.1');
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('error', () => undefined);
      sock.on('close', () => resolve(got));
      sock.write(`GET / HTTP/1.1\r\nHost: c2.example\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    });
    assert.doesNotMatch(r, /200 OK/);
    const m = (await adminGet(s.port('admin'), '/metrics')).body;
    assert.equal(metricValue(m, 'shed_total', { listener: 'http', reason: 'size' }), 1);
  });
});
