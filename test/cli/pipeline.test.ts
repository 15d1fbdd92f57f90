// The pipeline through the command line: intel and telemetry in, census and lookup out, with
// idempotent re-imports, clear errors and all-or-nothing files. Uses the real geo data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressIn, asnOf } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const f = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

// Victims sit in real address space (picked from the range data) so enrichment is real;
// the attacker side uses documentation ranges.
const US = addressIn('US', 3);
const DE = addressIn('DE', 3);

const intel = f(
  'iocs.txt',
  [
    'Report on a botnet.',
    '',
    'Indicator\tType\tFirst seen\tLast seen',
    '203.0.113.10\tC2\t2024-06-01\t2024-06-30',
    '*.w8510[.]example\tC2 domain\t2024-01-01\t2024-12-31',
    '',
    'rule X {',
    '  condition: true',
    '}',
  ].join('\n'),
);
const flows = f(
  'nfcapd.csv',
  [
    'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
    `2024-06-10 10:00:00.000,1.0,TCP,${US},40000,203.0.113.10,443,10,1000,1`,
    `2024-06-10 10:00:01.000,1.0,TCP,203.0.113.10,443,${US},40000,10,5000,1`,
    `2024-06-10 10:00:02.000,1.0,TCP,${DE},40000,203.0.113.10,443,10,1000,1`,
    `2024-08-10 10:00:00.000,1.0,TCP,192.0.2.99,40000,203.0.113.10,443,10,1000,1`,
    `2024-06-10 10:00:03.000,1.0,TCP,not-an-ip,40000,203.0.113.10,443,10,1000,1`,
  ].join('\n'),
);
const dns = f(
  'dns.log',
  [
    '#separator \\x09',
    '#path\tdns',
    '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery',
    '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring',
    `1718100000.000000\tC1\t${DE}\t5353\t192.0.2.53\t53\tudp\tx1.w8510.example`,
  ].join('\n'),
);

test('intel import reports skipped sections and the table; re-import changes nothing', () => {
  const r = cli(['--db', db, 'intel', 'import', intel, '--source', 'advisory']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /text, 2 indicators/);
  assert.match(r.stdout, /skipped lines 1-1: free text/);
  assert.match(r.stdout, /skipped lines 7-9: YARA rule/);
  const again = cli(['--db', db, 'intel', 'import', intel]);
  assert.match(again.stdout, /already imported/);
  const list = cliJson<{ value: string; firstSeen: string }[]>(['--db', db, 'intel', 'list']);
  assert.deepEqual(list.map((i) => i.value).sort(), ['203.0.113.10', 'w8510.example']);
});

test('ingest: rejected lines are counted and shown with line and field; --strict fails the file atomically', () => {
  const strict = cli(['--db', db, 'ingest', flows, '--strict']);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /nfcapd\.csv:6: field 'srcAddr': --strict: 1 line\(s\) rejected/);
  assert.equal(cliJson<unknown[]>(['--db', db, 'imports']).length, 1); // only the intel file
  const r = cli(['--db', db, 'ingest', flows, dns]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /nfdump, 4 records from 6 lines, 1 rejected/);
  assert.match(r.stdout, /line 6, field 'srcAddr': not an IP address/);
  assert.match(r.stdout, /zeek, 1 records/);
  const again = cli(['--db', db, 'ingest', dir]);
  assert.match(again.stdout, /nfcapd\.csv: already imported/);
  assert.match(again.stdout, /dns\.log: already imported/);
});

test('census and victims: real enrichment, labelled measures, JSON equals table', () => {
  const c = cliJson<{ result: { total: number; rows: { key: string; label: string; count: number }[] }; headline: { cumulative: number } }>([
    '--db', db, 'census', '--by', 'country', '--measure', 'cumulative',
  ]);
  assert.equal(c.result.total, 2);
  assert.deepEqual(c.result.rows.map((r) => [r.key, r.label, r.count]).sort(), [['DE', 'Germany', 1], ['US', 'United States', 1]]);
  const table = cli(['--db', db, 'census', '--measure', 'cumulative']);
  assert.match(table.stdout, /Measure: cumulative/);
  assert.match(table.stdout, /United States \(US\)\s+1\s+50\.0%/);
  const byAsn = cliJson<{ result: { rows: { key: string }[] } }>(['--db', db, 'census', '--by', 'asn', '--measure', 'cumulative']);
  const expected = [asnOf(US), asnOf(DE)].map(String).sort();
  assert.deepEqual(byAsn.result.rows.map((r) => r.key).sort(), expected);
  const v = cliJson<{ ip: string; grade: string }[]>(['--db', db, 'victims', '--country', 'DE']);
  assert.deepEqual(v.map((x) => [x.ip, x.grade]), [[DE, 'confirmed']]);
});

test('lookup shows evidence with file and line, and why a candidate did not match', () => {
  const hit = cli(['--db', db, 'lookup', US]);
  assert.match(hit.stdout, /two-way\s+flow\s+203\.0\.113\.10 .* both\s+.*nfcapd\.csv:2/);
  const miss = cli(['--db', db, 'lookup', '192.0.2.99']);
  assert.match(miss.stdout, /no match: flow 203\.0\.113\.10 at .*nfcapd\.csv:5: seen 2024-08-10 10:00 UTC, after the indicator's window closed 2024-06-30/);
});

test('bad input: unknown format and unreadable files name the file; nothing imported is an error', () => {
  const junk = f('junk.bin', 'hello world\nthis is not telemetry\n');
  const r = cli(['--db', db, 'ingest', junk]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /junk\.bin:1: no telemetry reader recognises this file/);
  const missing = cli(['--db', db, 'ingest', join(dir, 'nope.csv')]);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /nope\.csv/);
  const allBad = f('bad.csv', 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\nx,1,TCP,1.2.3.4,1,5.6.7.8,2,1,1,1\n');
  const nothing = cli(['--db', db, 'ingest', allBad]);
  assert.equal(nothing.status, 1);
  assert.match(nothing.stderr, /bad\.csv:2: field 'firstSeen': nothing imported/);
});
