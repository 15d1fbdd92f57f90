// Real data through the identify commands: Recog's own database self-tested through the CLI, the
// zgrab2 samples ingested and identified with it, Shadowserver device rows identified, and CISA's
// KEV catalog imported from both of its formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { haveShared, shared } from '../shared.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const skip = !haveShared;
const db = join(tempDir(), 'identify-real.duckdb');
const RECOG = shared('fingerprints/recog/xml');

test('fingerprints test over Recog: at least 99% of its examples pass, per file', { skip }, () => {
  const r = cli(['fingerprints', 'test', RECOG, '--json']);
  const j = JSON.parse(r.stdout) as { total: number; passed: number; passRate: number; files: { file: string; examples: number }[]; unreadable: unknown[] };
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([j.files.length, j.total, j.unreadable.length], [50, 7525, 0]);
  assert.ok(j.passRate >= 0.99, `${j.passed}/${j.total}`);
  assert.equal(j.files.find((f) => f.file === 'http_servers.xml')?.examples !== undefined, true);
  const text = cli(['fingerprints', 'test', RECOG]);
  assert.match(text.stdout, /7525\/7525 examples pass \(100\.00%\) in 50 files/);
  assert.match(text.stdout, /pass {2}ssh_banners\.xml/);
});

test('the zgrab2 samples ingest, one observation each, and identify with Recog', { skip }, () => {
  const files = readdirSync(shared('scans/zgrab2')).filter((f) => f.endsWith('.json')).map((f) => shared(`scans/zgrab2/${f}`));
  const r = cliJson<{ status: string; format: string; counts: { records: number; rejected: number }; services: number }[]>(['--db', db, 'ingest', ...files]);
  assert.equal(r.length, 9);
  for (const x of r) assert.deepEqual([x.status, x.format, x.counts.records, x.counts.rejected, x.services], ['imported', 'zgrab2', 1, 0, 1]);
  const run = cliJson<{ services: number; devices: number; identified: number; fingerprints: { files: number } }>(['--db', db, 'identify', '--fingerprints', RECOG]);
  assert.equal(run.services, 9);
  assert.ok(run.fingerprints.files >= 57, `${run.fingerprints.files} fingerprint files`);
  assert.ok(run.identified >= 2, `${run.identified} identified`);
  const list = cliJson<{ addresses: string[]; evidence: { fingerprint: string; line: number }[] }[]>(['--db', db, 'exposure', '--list', '--json']);
  assert.deepEqual(list, [], 'no sample is a device in the KEV catalog before it is imported');
});

test('the KEV catalog imports from JSON (1,404 entries) and CSV; Shadowserver device rows are identified', { skip }, () => {
  const json = cliJson<{ status: string; entries: number; rejected: unknown[]; catalogVersion: string }>(['--db', db, 'kev', 'import', shared('intel/cisa-kev.json')]);
  assert.deepEqual([json.status, json.entries, json.rejected.length, json.catalogVersion], ['imported', 1404, 0, '2025.08.25']);
  const csv = cliJson<{ entries: number; rejected: unknown[] }>(['--db', join(tempDir(), 'kev-csv.duckdb'), 'kev', 'import', shared('intel/cisa-kev.csv')]);
  assert.deepEqual([csv.entries, csv.rejected.length], [1404, 0]);
  const reports = ['device_id.csv', 'scan_telnet.csv', 'scan_ftp.csv', 'scan_http_vulnerable.csv'].map((f) => shared(`reports/shadowserver/${f}`));
  const ing = cli(['--db', db, 'ingest', ...reports]);
  assert.equal(ing.status, 0, ing.stderr);
  assert.match(ing.stdout, /KEV: \d+ exposures on \d+ devices \(catalog of 1404 entries\)/);
  const e = cliJson<{ totals: { devices: number }; rows: { key: string; devices: number }[] }>(['--db', db, 'exposure', '--by', 'vendor']);
  assert.ok(e.rows.some((r) => r.key === 'fortinet'), JSON.stringify(e.rows));
  assert.ok(e.totals.devices >= 4);
});
