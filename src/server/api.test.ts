import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { tempDir } from '../../test/tmp.js';
import { buildServer } from './app.js';
import { toCsv } from './csv.js';
import { CONTENT_SECURITY_POLICY } from './security-headers.js';
import { buildScenario, serveScenario, type Scenario } from '../../test/server-scenario.js';
import { ftpModule, zgrabLine } from '../../test/fixtures/identify/scan-fixture.js';
import { call, json, multipart } from './test-client.js';
import { identifyStore } from '../identify/store.js';
import { lookupAddress } from '../match/lookup.js';

let s: Scenario;
let app: FastifyInstance;
serveScenario((x, a) => ([s, app] = [x, a]));

const get = (url: string, token = s.tokens.analyst) => call(app, 'GET', url, token);

test('lists sort by allow-listed keys, page on the server and report the total', async () => {
  const page = json<{ rows: { ip: string }[]; total: number }>(await get('/api/victims?sort=ip&dir=asc&limit=2&offset=2'));
  assert.deepEqual([page.rows.map((v) => v.ip), page.total], [['192.0.3.3', '192.0.3.130'], 7]);
  const countries = json<{ rows: { key: string }[] }>(await get('/api/countries?sort=label&dir=asc'));
  assert.deepEqual(countries.rows.map((r) => r.key), ['DE', 'US', 'VN']);
  const nets = json<{ rows: { key: string }[]; total: number }>(await get('/api/countries/US/networks?sort=key&dir=desc&limit=1'));
  assert.deepEqual([nets.rows.map((r) => r.key), nets.total], [['64501'], 2]);
  const ind = json<{ rows: { value: string }[] }>(await get('/api/indicators?sort=value&dir=desc&matched=yes'));
  assert.deepEqual(ind.rows.map((r) => r.value), ['c2.example', '203.0.113.10']);
  const imports = json<{ rows: { id: number }[] }>(await get('/api/imports?sort=id&dir=asc'));
  assert.deepEqual(imports.rows.map((r) => r.id), [1, 2]);
  for (const bad of ['/api/victims?sort=victim', '/api/victims?sort=ip%20desc', '/api/victims?dir=up', '/api/victims?limit=501', '/api/victims?limit=0', '/api/victims?offset=-1', '/api/countries?sort=count;', '/api/victims?country=USA', '/api/victims?asn=AS1', '/api/victims?from=yesterday', '/api/victims?from=2024-06-02&to=2024-06-01'])
    assert.equal((await get(bad)).statusCode, 400, bad);
});

test("a victim's evidence and its near misses are the CLI lookup, in two answers", async () => {
  const { parseIp } = await import('../core/ip.js');
  for (const addr of ['192.0.3.1', '198.51.101.9', '192.0.3.3']) {
    const cli = JSON.parse(JSON.stringify(await lookupAddress(s.store, parseIp(addr)!, { graceMs: 86_400_000 })));
    const evidence = json<Record<string, unknown>>(await get(`/api/victims/${addr}`));
    const near = json<Record<string, unknown>>(await get(`/api/victims/${addr}/near-misses`));
    assert.ok((cli.evidence as unknown[]).length > 0, addr);
    assert.deepEqual({ ...evidence, ...near, owner: undefined }, { ...cli, owner: undefined }, addr);
  }
  assert.equal(json<{ telemetryRows: number }>(await get('/api/victims/192.0.3.1/near-misses')).telemetryRows, 2);
  assert.equal((await get('/api/victims/not-an-ip/near-misses')).statusCode, 400);
});

test('hostile values in every parameter are data: no 500, no effect on the store', async () => {
  const payloads = ["' OR 1=1 --", "'; DROP TABLE sightings; --", '") UNION SELECT * FROM api_tokens --', '%', '_', '\\'];
  for (const p of payloads) {
    const e = encodeURIComponent(p);
    for (const url of [`/api/indicators?q=${e}`, `/api/indicators?source=${e}`, `/api/indicators?type=${e}`, `/api/victims/${e}`, `/api/imports?kind=${e}`, `/api/victims?from=${e}`, `/api/countries/${e}/networks`]) {
      const r = await get(url);
      assert.ok(r.statusCode === 200 || r.statusCode === 400 || r.statusCode === 404, `${url}: ${r.statusCode} ${r.body}`);
      if (r.statusCode === 200 && url.includes('indicators') && p.length > 2) assert.equal(json<{ total: number }>(r).total, 0, url);
    }
  }
  assert.equal(json<{ total: number }>(await get('/api/victims')).total, 7, 'sightings intact');
});

test('CSV exports: every row in the chosen order, fixed file name, formula cells defused', async () => {
  const r = await get('/api/victims?format=csv&sort=ip&dir=desc&limit=1');
  assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(String(r.headers['content-disposition']), /^attachment; filename="botcensus-victims-\d{4}-\d{2}-\d{2}\.csv"$/);
  const lines = r.body.trim().split('\r\n');
  assert.equal(lines.length, 8, 'all 7 victims, not one page');
  assert.equal(lines[1]!.split(',')[0], '2001:db9::5');
  assert.equal(toCsv([{ a: '=HYPERLINK("x")', b: '-1+2', c: 'x,"y"', d: -3 }], [
    { header: 'a', value: (x) => x.a },
    { header: 'b', value: (x) => x.b },
    { header: 'c', value: (x) => x.c },
    { header: 'd', value: (x) => x.d },
  ]), `a,b,c,d\r\n"'=HYPERLINK(""x"")",'-1+2,"x,""y""",-3\r\n`);
  const countries = (await get('/api/countries/US/networks?format=csv')).body;
  assert.equal(countries.split('\r\n')[0], 'asn,name,victims,share');
});

test('headers: strict CSP, nosniff, no framing, no caching, JSON content type, on success and on errors', async () => {
  for (const r of [await get('/api/victims'), await get('/api/victims', 'bad'), await get('/api/nothing'), await call(app, 'GET', '/api/health')]) {
    assert.equal(r.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'DENY');
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.match(String(r.headers['content-type']), /^application\/json/);
  }
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
});

test('uploads: intel and telemetry files imported from a temp copy; duplicates and bad files answered clearly', async () => {
  const post = (fields: Record<string, string>, name: string, content: string) => {
    const m = multipart(fields, { name, content });
    return app.inject({ method: 'POST', url: '/api/imports', headers: { authorization: `Bearer ${s.tokens.analyst}`, ...m.headers }, payload: m.payload });
  };
  const first = await post({ kind: 'intel', source: 'partner', family: 'mirai' }, '../../etc/new iocs.txt', '203.0.113.201\n203.0.113.202\n');
  assert.equal(first.statusCode, 200, first.body);
  assert.deepEqual([json(first).status, json(first).indicators, json(first).file], ['imported', 2, 'new iocs.txt']);
  const again = await post({ kind: 'intel' }, 'copy.txt', '203.0.113.201\n203.0.113.202\n');
  assert.equal(json(again).status, 'duplicate');
  const zeek = '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n1718618400.0\tC1\t198.51.101.20\t4000\t203.0.113.201\t443\ttcp\nnot-a-time\tC2\t198.51.101.21\t4000\t203.0.113.201\t443\ttcp\n';
  const tel = await post({ kind: 'telemetry', format: 'zeek', sensor: 'edge' }, 'conn.log', zeek);
  assert.equal(tel.statusCode, 200, tel.body);
  assert.deepEqual([json(tel).status, (json(tel).counts as { records: number; rejected: number }).records, (json(tel).counts as { rejected: number }).rejected], ['imported', 1, 1]);
  assert.equal(json<{ total: number }>(await get('/api/victims?asn=64502')).total, 3, 'the new victim is counted at once');
  const scan = await post({ kind: 'telemetry' }, 'scan.json', zgrabLine('192.0.3.250', { ftp: ftpModule('2024-06-01T10:00:00Z', 'MikroTik FTP server (MikroTik 6.40.1) ready') }) + '\n');
  assert.equal(scan.statusCode, 200, scan.body);
  const vendors = (await identifyStore(s.store).exposure({ by: 'vendor' })).rows.map((r) => r.label);
  assert.ok(vendors.includes('MikroTik'), `an uploaded scan is identified at once: ${vendors.join(', ')}`);
  const listed = (await get('/api/imports')).body;
  assert.match(listed, /"conn\.log"/, 'imports are listed under the uploaded name');
  assert.doesNotMatch(listed, /botcensus-upload-/, 'never under the temp copy');
  const junk = await post({ kind: 'telemetry', format: 'zeek' }, 'junk.log', zeek.split('\n').slice(0, 3).join('\n') + '\nnot-a-time\tC2\t1.2.3.4\t1\t5.6.7.8\t2\ttcp\n');
  assert.equal(junk.statusCode, 422);
  assert.deepEqual([json(junk).error, (json(junk).where as { file: string; line: number }).file, (json(junk).where as { line: number }).line], ['nothing_imported', 'junk.log', 4]);
  assert.doesNotMatch(junk.body, /botcensus-upload-|\/tmp\//, 'the temp path is not shown');
  assert.equal((await post({ kind: 'telemetry', format: 'no-such-format' }, 'x.log', 'x\n')).statusCode, 400);
  assert.equal((await post({ kind: 'spreadsheet' }, 'x.txt', '203.0.113.9\n')).statusCode, 400);
  const small = await buildServer(s.store, { webRoot: null, maxUploadBytes: 100 });
  const big = multipart({ kind: 'intel' }, { name: 'big.txt', content: '203.0.113.1\n'.repeat(20) });
  const tooBig = await small.inject({ method: 'POST', url: '/api/imports', headers: { authorization: `Bearer ${s.tokens.analyst}`, ...big.headers }, payload: big.payload });
  await small.close();
  assert.equal(tooBig.statusCode, 413);
  const noFile = await app.inject({ method: 'POST', url: '/api/imports', headers: { authorization: `Bearer ${s.tokens.analyst}`, 'content-type': 'application/json' }, payload: {} });
  assert.equal(noFile.statusCode, 400);
});

test('the OpenAPI document describes parameters, roles and security', async () => {
  const doc = json<{ openapi: string; paths: Record<string, Record<string, { parameters: { name: string; in: string; schema: { enum?: string[] } }[] }>> }>(await get('/api/openapi.json'));
  assert.equal(doc.openapi, '3.1.0');
  const victims = doc.paths['/api/victims']!.get!;
  assert.deepEqual(victims.parameters.find((p) => p.name === 'sort')!.schema.enum, ['ip', 'country', 'asn', 'org', 'grade', 'first_seen', 'last_seen', 'events']);
  assert.deepEqual(doc.paths['/api/victims/{ip}']!.get!.parameters.map((p) => [p.name, p.in]), [['ip', 'path']]);
  assert.ok(!Object.keys(doc.paths).some((p) => p.includes('assets')), 'static files are not API');
});

test('the web app is served with the CSP; without a build the root says how to build it', async () => {
  const root = tempDir();
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  const web = await buildServer(s.store, { webRoot: root });
  try {
    const index = await web.inject({ url: '/' });
    assert.equal(index.statusCode, 200);
    assert.match(String(index.headers['content-type']), /^text\/html/);
    assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    const js = await web.inject({ url: '/assets/app.js' });
    assert.deepEqual([js.statusCode, js.headers['content-type'], js.headers['cache-control']], [200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    assert.equal((await web.inject({ url: '/assets/../../etc/passwd' })).statusCode, 404);
    assert.equal((await web.inject({ url: '/assets/missing.js' })).statusCode, 404);
  } finally {
    await web.close();
  }
  const none = await app.inject({ url: '/' });
  assert.equal(none.statusCode, 503);
  assert.match(none.body, /npm run build:web/);
});

test('store failures become a bare 500 without SQL', async () => {
  const broken = await buildScenario();
  const b = await buildServer(broken.store, { webRoot: null });
  await broken.store.db.run('DROP TABLE api_sessions');
  const { cookie } = { cookie: 'botcensus_session=abc' };
  const r = await b.inject({ url: '/api/victims', headers: { cookie } });
  assert.equal(r.statusCode, 500);
  assert.deepEqual(json(r), { error: 'store_error', message: 'the store could not answer; see the server log' });
  await b.close();
  await broken.store.close();
});
