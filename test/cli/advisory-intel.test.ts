// An advisory's indicator table through the command line: its prose timeframes become validity
// windows that matching honours, kept as written in the listing and the exports; its hashes are
// file hashes, never matched against traffic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addressIn } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const fixture = (name: string) => resolve(process.cwd(), 'test/fixtures/intel', name);
const VICTIM = addressIn('DE', 5);

// 198.51.100.12 was a C2 from Feb. 7 to May 6 2022: traffic to it then is a sighting, in 2024 it is not.
const flows = join(dir, 'nfcapd.csv');
writeFileSync(
  flows,
  [
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    `2022-03-01 10:00:00.000,1.0,TCP,${VICTIM},40000,198.51.100.12,443,10,1000,1`,
    `2024-03-01 10:00:00.000,1.0,TCP,${VICTIM},40001,198.51.100.12,443,10,1000,1`,
  ].join('\n') + '\n',
);

test('intel import: timeframes read, the unreadable ones reported with line and column', () => {
  const r = cli(['--db', db, 'intel', 'import', fixture('advisory-timeframes.txt'), fixture('advisory-hashes.txt')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /advisory-timeframes\.txt: text, 9 indicators, 2 rejected/);
  assert.match(r.stdout, /line 12, field 'Active Timeframe': not a timeframe/);
  assert.match(r.stdout, /line 17, field 'Timeframe \(UTC\)': not a timeframe/);
});

test('intel list --json carries the window and the timeframe as written; hashes have their kind', () => {
  type Row = { type: string; value: string; firstSeen?: string; lastSeen?: string; timeframe?: string };
  const rows = cliJson<Row[]>(['--db', db, 'intel', 'list']);
  const c2 = rows.find((x) => x.value === '198.51.100.12')!;
  assert.deepEqual([c2.firstSeen, c2.lastSeen, c2.timeframe], ['2022-02-07T00:00:00.000Z', '2022-05-06T23:59:59.999Z', 'Feb. 7 – May 6 2022']);
  const kinds = rows.filter((x) => /sha|md5/.test(x.type)).map((x) => x.type);
  assert.deepEqual(kinds.sort(), ['cert-sha1', 'cert-sha1', 'cert-sha256', 'file-md5', 'file-sha1', 'file-sha256', 'file-sha256', 'file-sha256', 'file-sha256']);
  const csv = cli(['--db', db, 'intel', 'export', '--format', 'csv']).stdout;
  assert.match(csv, /198\.51\.100\.12,,,,2022-02-07T00:00:00\.000Z,2022-05-06T23:59:59\.999Z,long since re-rented,,Feb\. 7 – May 6 2022/);
  const misp = JSON.parse(cli(['--db', db, 'intel', 'export', '--format', 'misp']).stdout) as { Event: { Attribute: { type: string; value: string }[] } };
  assert.equal(misp.Event.Attribute.find((a) => a.value === '3'.repeat(64))!.type, 'sha256');
});

test('matching honours the window the timeframe gave: the 2022 C2 address does not flag 2024 traffic', () => {
  const r = cli(['--db', db, 'ingest', flows]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 new sightings/);
  const out = cliJson<{ evidence: { indicator: string; firstSeen: string }[]; nearMisses: { line: number; reason: string }[] }>(['--db', db, 'lookup', VICTIM]);
  assert.deepEqual(out.evidence.map((s) => [s.indicator, s.firstSeen.slice(0, 10)]), [['198.51.100.12', '2022-03-01']]);
  assert.deepEqual(out.nearMisses.map((m) => m.line), [3]);
  assert.match(out.nearMisses[0]!.reason, /after the indicator's window closed 2022-05-06/);
});
