// Hostile requests to the dashboard: uploads past the size limit (a setting) refused with 413 and
// nothing left on disk, client file names never used as paths, error bodies that quote input with
// its control bytes escaped, and internationalised domains shown in both forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { tempDir } from '../../test/tmp.js';
import { buildServer } from './app.js';
import { serveScenario, type Scenario } from '../../test/server-scenario.js';
import { call, json, multipart } from './test-client.js';
import { importIntelFile } from '../intel/import.js';
import { writeFileSync } from 'node:fs';

// Uploads go to the temp folder: a private one, to see what is left in it.
const tmp = join(tempDir(), 'tmp');
mkdirSync(tmp);
process.env.TMPDIR = tmp;

let s: Scenario;
let app: FastifyInstance;
serveScenario((x, a) => ([s, app] = [x, a]));

function upload(server: FastifyInstance, fields: Record<string, string>, name: string, content: string) {
  const m = multipart(fields, { name, content });
  return server.inject({ method: 'POST', url: '/api/imports', headers: { authorization: `Bearer ${s.tokens.analyst}`, ...m.headers }, payload: m.payload });
}

const uploadsLeft = () => readdirSync(tmp).filter((n) => n.startsWith('botcensus-upload-'));

// Asked of the server that took the upload: a server keeps its store's data version in memory.
const imports = async (server = app) => json<{ total: number }>(await call(server, 'GET', '/api/imports', s.tokens.analyst)).total;

test('an upload past BOTCENSUS_MAX_UPLOAD_BYTES is refused with 413; nothing is imported and nothing left on disk', async () => {
  process.env.BOTCENSUS_MAX_UPLOAD_BYTES = '1K';
  const small = await buildServer(s.store, { webRoot: null });
  delete process.env.BOTCENSUS_MAX_UPLOAD_BYTES;
  try {
    const before = await imports();
    const big = await upload(small, { kind: 'intel' }, 'big.txt', '203.0.113.1\n'.repeat(200));
    assert.equal(big.statusCode, 413, big.body);
    assert.deepEqual(json(big).error, 'fst_req_file_too_large');
    const fits = await upload(small, { kind: 'intel' }, 'fits.txt', '203.0.113.1\n'.repeat(50));
    assert.equal(fits.statusCode, 200, fits.body);
    assert.equal(await imports(small), before + 1);
    assert.deepEqual(uploadsLeft(), [], 'the temp copies are gone');
  } finally {
    await small.close();
  }
});

test('client file names never become paths: only a safe last part is used, in a fresh private folder', async () => {
  for (const name of ['../../../../etc/cron.d/x.txt', '..', '....//..//x.txt', 'C:\\\\Windows\\\\x.txt', '/dev/zero', 'a\u0000b\u001b[2J.txt', '.hidden', 'x'.repeat(300) + '.txt']) {
    const r = await upload(app, { kind: 'intel' }, name, `203.0.113.${30 + name.length % 200}\n`);
    assert.ok([200, 422].includes(r.statusCode), `${JSON.stringify(name)}: ${r.body}`);
    if (r.statusCode === 200) assert.doesNotMatch(json<{ file: string }>(r).file, /[\x00-\x1f/]/, 'recorded under a printable last part, without a directory');
    assert.doesNotMatch(r.body, /\/tmp\/|botcensus-upload-/, 'the temp path is not shown');
    assert.deepEqual(uploadsLeft(), [], `${JSON.stringify(name)}: nothing left behind`);
    assert.deepEqual(readdirSync(tmp).filter((n) => !n.startsWith('botcensus-')), [], `${JSON.stringify(name)}: nothing written outside a private folder`);
  }
});

test('error bodies escape control bytes and invalid UTF-8 from the file, and cut long values', async () => {
  const zeek = '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n';
  const r = await upload(app, { kind: 'telemetry', format: 'zeek', strict: 'true' }, 'bad.log', zeek + `1718618400.0\tC1\t198.51.100.20\t4000\t203.0.113.10\t443\ttcp\nts\u0000\u001b[2J\u202e${'y'.repeat(5000)}\tC2\t198.51.100.21\t4000\t203.0.113.10\t443\ttcp\n`);
  assert.equal(r.statusCode, 422, r.body);
  const body = json<{ message: string }>(r);
  assert.doesNotMatch(body.message, /[\x00-\x1f\x7f\u202e]/, 'no raw control or bidi characters in the message');
  assert.match(body.message, /ts\\u0000\\u001b\[2J\\u202ey+/, 'each shown as an escape');
  assert.match(body.message, /^bad\.log:5: field 'ts': --strict: 1 line\(s\) rejected; first: /);
});

test('indicators with internationalised domains are listed with both forms', async () => {
  const file = join(tempDir(), 'idn.txt');
  writeFileSync(file, 'xn--80ak6aa92e.example\nbücher.example\n');
  await importIntelFile(s.store, file, { source: 'idn', match: { graceMs: 0 }, rescan: false });
  app = await buildServer(s.store, { webRoot: null });
  const rows = json<{ rows: { value: string; display: string }[] }>(await call(app, 'GET', '/api/indicators?source=idn&sort=value&dir=asc', s.tokens.analyst)).rows;
  assert.deepEqual(rows.map((r) => r.display), ['xn--80ak6aa92e.example (аррӏе.example)', 'xn--bcher-kva.example (bücher.example)']);
  const csv = (await call(app, 'GET', '/api/indicators?source=idn&sort=value&dir=asc&format=csv', s.tokens.analyst)).body;
  assert.match(csv, /xn--bcher-kva\.example \(bücher\.example\)/);
});
