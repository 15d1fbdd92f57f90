// Device identification through the command line: a zgrab2 file ingested (bad line reported with
// file and line), fingerprint self-tests, the KEV catalog imported, exposure and census by vendor,
// and the online commands failing clearly when there is no network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEV_FIXTURE, kevCsv } from '../fixtures/identify/kev-fixture.js';
import { ftpModule, httpModule, sshModule, zgrabLine } from '../fixtures/identify/scan-fixture.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const f = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const FIXTURES = resolve(process.cwd(), 'test/fixtures/identify');
const KEY = '7d'.repeat(32);

const scan = f(
  'scan-results.json',
  [
    zgrabLine('192.0.2.10', { ssh: sshModule('2024-06-01T10:00:00Z', KEY), ftp: ftpModule('2024-06-01T10:00:01Z', 'MikroTik FTP server (MikroTik 6.40.1) ready') }),
    zgrabLine('192.0.2.11', { ssh: sshModule('2024-06-04T10:00:00Z', KEY) }),
    zgrabLine('192.0.2.20', { http: httpModule('2024-06-01T11:00:00Z', { server: 'App-webs/' }) }),
    JSON.stringify({ ip: '192.0.2.30', data: { ftp: 'not an object' } }),
  ].join('\n') + '\n',
);
const intel = f('iocs.txt', '203.0.113.10\n');
const flows = f(
  'flows.csv',
  [
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    '2024-06-01 12:00:00.000,1.0,TCP,192.0.2.10,40000,203.0.113.10,443,10,1000,1',
    '2024-06-04 12:00:00.000,1.0,TCP,192.0.2.11,40000,203.0.113.10,443,10,1000,1',
    '2024-06-04 12:00:00.000,1.0,TCP,192.0.2.99,40000,203.0.113.10,443,10,1000,1',
  ].join('\n'),
);
const kevJson = f('known_exploited_vulnerabilities.json', JSON.stringify({ catalogVersion: '2099.01.02', vulnerabilities: KEV_FIXTURE }));

test('ingest reads a zgrab2 file, reports the bad line with file and line, and identifies the devices', () => {
  const r = cli(['--db', db, 'ingest', scan]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /scan-results\.json: zgrab2, 4 records from 4 lines, 1 rejected, 0 new sightings, 4 services for identification/);
  assert.match(r.stdout, /line 4, field 'data\.ftp': module result is not an object/);
  assert.match(r.stdout, /devices: 2 \(2 identified\); 1 known by a stable identity .*; 1 of 2 addresses with an identity collapsed/);
  assert.match(r.stdout, /KEV: no catalog imported yet/);
  const again = cli(['--db', db, 'ingest', scan, '--format', 'zgrab2']);
  assert.match(again.stdout, /already imported/);
  const strict = cli(['--db', join(dir, 'strict.duckdb'), 'ingest', scan, '--strict']);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /scan-results\.json:4: field 'data\.ftp': --strict: 1 line\(s\) rejected/);
});

test('kev import: JSON and CSV, rejected entries named, the same file twice changes nothing', () => {
  const r = cli(['--db', db, 'kev', 'import', kevJson]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /KEV catalog 2099\.01\.02, 8 entries, 0 rejected; 2 exposures on 2 identified devices/);
  assert.match(cli(['--db', db, 'kev', 'import', kevJson]).stdout, /already imported/);
  const csv = f('kev.csv', kevCsv(KEV_FIXTURE.slice(0, 2), ['CVE-BAD,Acme,Widget,x,2099-01-01,d,a,2099-02-01,Unknown,,']));
  const other = join(dir, 'other.duckdb');
  const c = cliJson<{ status: string; entries: number; rejected: { at: number; field: string }[] }>(['--db', other, 'kev', 'import', csv]);
  assert.deepEqual([c.status, c.entries, c.rejected], ['imported', 2, [{ at: 4, field: 'cveID', reason: 'not a CVE id: "CVE-BAD"' }]]);
  const text = cli(['--db', join(dir, 'other2.duckdb'), 'kev', 'import', csv]);
  assert.match(text.stdout, /line 4, field 'cveID': not a CVE id/);
});

test('exposure and census join identification with compromise', () => {
  assert.equal(cli(['--db', db, 'intel', 'import', intel, '--source', 'advisory']).status, 0);
  assert.equal(cli(['--db', db, 'ingest', flows]).status, 0);
  const e = cliJson<{ totals: Record<string, number>; rows: { key: string; devices: number; compromised: number }[] }>(['--db', db, 'exposure']);
  assert.deepEqual(e.totals, { devices: 2, exposed: 2, compromised: 1, exposedCompromised: 1, stableDevices: 1, stableAddresses: 2, addresses: 3 });
  assert.deepEqual(e.rows.map((r) => [r.key, r.devices, r.compromised]), [['CVE-2099-0001', 1, 1], ['CVE-2099-0005', 1, 0]]);
  const list = cli(['--db', db, 'exposure', '--list']);
  assert.match(list.stdout, new RegExp(`ssh:${KEY}  MikroTik 6\\.40\\.1 \\(router\\)  COMPROMISED`));
  assert.match(list.stdout, /seen: zgrab2 ftp\.banner "MikroTik FTP server \(MikroTik 6\.40\.1\) ready" → .*scan-results\.json:1\)/);
  assert.match(list.stdout, /CVE-2099-0001 MikroTik RouterOS Path Traversal \[version, cpe\](?:\n {4}- .*)*\n {4}- version 6\.40\.1 is within "through 6\.42"/);
  const table = cli(['--db', db, 'exposure', '--by', 'vendor']);
  assert.match(table.stdout, /MikroTik +1 +1 +1 +1 +1\n/);
  assert.match(table.stdout, /Hikvision +1 +1 +0 +0 +0\n/);
  const census = cliJson<{ result: { unit: string; total: number; addresses: number; rows: { key: string; count: number }[] } }>(['--db', db, 'census', '--by', 'vendor', '--measure', 'cumulative']);
  assert.deepEqual([census.result.unit, census.result.total, census.result.addresses], ['devices', 2, 3]);
  assert.deepEqual(census.result.rows.map((r) => [r.key, r.count]), [['mikrotik', 1], ['unknown', 1]]);
  const byCve = cli(['--db', db, 'census', '--by', 'cve', '--measure', 'cumulative']);
  assert.match(byCve.stdout, /3 addresses collapsed into 2 devices/);
  assert.match(byCve.stdout, /CVE-2099-0001 \(MikroTik RouterOS Path Traversal\) +1/);
});

test('the report carries the device mix and the exploited CVEs with their KEV data', () => {
  const md = join(dir, 'report.md');
  const r = cli(['--db', db, 'report', '--out', md, '--since', '2024-06-01T00:00:00Z', '--until', '2024-06-05T00:00:00Z']);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(md, 'utf8');
  assert.match(text, /\| router \| 1 \|/i);
  assert.match(text, /\| MikroTik \| 1 \|/);
  assert.match(text, /CVE-2099-0001/);
  assert.doesNotMatch(text, /Not available yet/);
});

test('identify re-runs on demand, with an extra fingerprint folder remembered', () => {
  const r = cliJson<{ devices: number; fingerprints: { dirs: string[] } }>(['--db', db, 'identify', '--fingerprints', join(FIXTURES, 'recog-good')]);
  assert.deepEqual([r.devices, r.fingerprints.dirs], [2, [join(FIXTURES, 'recog-good')]]);
  assert.deepEqual(cliJson<{ fingerprints: { dirs: string[] } }>(['--db', db, 'identify']).fingerprints.dirs, [join(FIXTURES, 'recog-good')]);
  assert.deepEqual(cliJson<{ fingerprints: { dirs: string[] } }>(['--db', db, 'identify', '--no-fingerprints']).fingerprints.dirs, []);
  const bad = cli(['--db', db, 'identify', '--fingerprints', join(dir, 'nowhere')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /nowhere: cannot list/);
});

test('fingerprints test: pass and fail per file, unreadable files reported, built-in rules by default', () => {
  const good = cli(['fingerprints', 'test', join(FIXTURES, 'recog-good')]);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /13\/13 examples pass \(100\.00%\) in 3 files/);
  assert.match(good.stdout, /pass {2}banner_things\.xml +11\/11/);
  const bad = cli(['fingerprints', 'test', join(FIXTURES, 'recog-bad')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAIL {2}failures\.xml/);
  assert.match(bad.stdout, /#0 Wrong expected capture: param service\.version: expected "2", got "1"/);
  const lenient = cli(['fingerprints', 'test', join(FIXTURES, 'recog-bad'), '--min-pass', '10']);
  assert.equal(lenient.status, 0);
  const mixed = join(dir, 'mixed');
  mkdirSync(mixed);
  copyFileSync(join(FIXTURES, 'invalid.xml'), join(mixed, 'invalid.xml'));
  copyFileSync(join(FIXTURES, 'recog-good/widget_replies.xml'), join(mixed, 'widget_replies.xml'));
  const m = cli(['fingerprints', 'test', mixed, '--json']);
  assert.equal(m.status, 1);
  const j = JSON.parse(m.stdout) as { files: { file: string; passed: number }[]; unreadable: { file: string; error: string }[] };
  assert.deepEqual(j.files.map((x) => [x.file, x.passed]), [['widget_replies.xml', 1]]);
  assert.equal(j.unreadable[0]!.file, 'invalid.xml');
  assert.match(j.unreadable[0]!.error, /invalid XML/);
  const builtin = cliJson<{ dir: string; total: number; passed: number }>(['fingerprints', 'test']);
  assert.ok(builtin.dir.endsWith(join('src', 'identify', 'rules') + '/'), builtin.dir);
  assert.deepEqual([builtin.total, builtin.passed], [141, 141]);
});

test('kev update and fingerprints update fail clearly without network', () => {
  const kev = cli(['--db', db, 'kev', 'update', '--url', 'http://127.0.0.1:9/known_exploited_vulnerabilities.json']);
  assert.equal(kev.status, 1);
  assert.match(kev.stderr, /cannot fetch the KEV catalog from http:\/\/127\.0\.0\.1:9\/.*is this machine offline\? .*botcensus kev import FILE/);
  const recog = cli(['--db', db, 'fingerprints', 'update', '--url', 'http://127.0.0.1:9/xml', '--dir', join(dir, 'recog')]);
  assert.equal(recog.status, 1);
  assert.match(recog.stderr, /cannot fetch the Recog file list .*--fingerprints DIR/);
});
