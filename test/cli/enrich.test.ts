// `botcensus enrich` and what it changes, through the command line: a licensed-data file put
// before the built-in data, provenance and staleness in lookup, exports and the census row of
// special-purpose addresses, and a bad data file refused in one line. Uses the real geo data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressIn } from '../geo-addresses.js';
import { tempDir } from '../tmp.js';
import { cli, cliJson } from './run-cli.js';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const f = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const US = addressIn('US', 5);
const PRIVATE = '192.168.1.195';

test('enrich --asn puts a pfx2as file first; lookup, export and census say where each answer came from', () => {
  const intel = f('iocs.txt', 'Indicator\tType\n203.0.113.10\tC2\n');
  const flows = f(
    'nfcapd.csv',
    [
      'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
      `2024-06-10 10:00:00.000,1.0,TCP,${US},40000,203.0.113.10,443,10,1000,1`,
      `2024-06-10 10:00:02.000,1.0,TCP,${PRIVATE},40000,203.0.113.10,443,10,1000,1`,
    ].join('\n') + '\n',
  );
  assert.equal(cli(['--db', db, 'intel', 'import', intel, '--source', 'advisory']).status, 0);
  assert.equal(cli(['--db', db, 'ingest', flows]).status, 0);
  const before = cli(['--db', db, 'lookup', PRIVATE]);
  assert.match(before.stdout, /^192\.168\.1\.195 {2}Private-Use \(RFC 1918\): special-purpose, no country or AS/);

  const us24 = US.split('.').slice(0, 3).join('.') + '.0';
  const pfx2as = f('routeviews-rv2-20240601-1200.pfx2as', `${us24}\t24\t64777\n`);
  const r = cliJson<{ sources: { role: string; name: string; dataDate?: string }[]; enriched: number; warnings: string[] }>(['--db', db, 'enrich', '--asn', pfx2as]);
  assert.deepEqual(r.sources.map((s) => `${s.role} ${s.name}`), ['asn RouteViews pfx2as', 'asn @ip-location-db/asn', 'country @ip-location-db/geo-whois-asn-country']);
  assert.equal(r.sources[0]!.dataDate, '2024-06-01');
  assert.equal(r.enriched, 2);
  assert.ok(r.warnings.some((w) => /RouteViews pfx2as is from 2024-06-01, \d+ days ago: older than 90 days/.test(w)), r.warnings.join('\n'));

  const l = cli(['--db', db, 'lookup', US]);
  assert.equal(l.status, 0, l.stderr);
  assert.match(l.stdout, /US \(United States\) {2}AS64777/);
  assert.match(l.stdout, /enrichment: AS from RouteViews pfx2as \(data 2024-06-01, \d+ days old: older than 90 days\); country from @ip-location-db\/geo-whois-asn-country/);
  const json = cliJson<{ host: { asnSource: string; asnDataDate: string } }>(['--db', db, 'lookup', US]);
  assert.deepEqual([json.host.asnSource, json.host.asnDataDate], ['RouteViews pfx2as', '2024-06-01']);

  // Parquet and JSON exports carry the provenance columns (the CSV keeps the one shape the dashboard shares).
  const out = join(dir, 'victims.json');
  assert.equal(cli(['--db', db, 'export', '--format', 'json', '--out', out]).status, 0);
  type Row = { ip: string; special: string | null; asn_source: string | null; asn_data_date: string | null; country_source: string | null };
  const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
  const us = rows.find((x) => x.ip === US);
  assert.deepEqual([us?.asn_source, us?.asn_data_date, us?.country_source], ['RouteViews pfx2as', '2024-06-01', '@ip-location-db/geo-whois-asn-country'], JSON.stringify(rows));
  assert.equal(rows.find((x) => x.ip === PRIVATE)?.special, 'Private-Use (RFC 1918)');

  const census = cliJson<{ result: { rows: { key: string; label: string; count: number }[] } }>(['--db', db, 'census', '--by', 'country', '--measure', 'cumulative']);
  assert.deepEqual(census.result.rows.map((x) => [x.key, x.label, x.count]).sort(), [['US', 'United States', 1], ['special', 'private / special-purpose', 1]]);
  // Remembered: a later command uses the chain without being told.
  assert.deepEqual(cliJson<{ chain: { asn: string[] } }>(['--db', db, 'enrich']).chain.asn, [pfx2as]);
});

test('a data file of no known kind is refused in one line, and the stored chain is kept', () => {
  const bad = f('notes.txt', 'hello\n');
  const r = cli(['--db', db, 'enrich', '--geo', bad]);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /notes\.txt:1: not a MaxMind DB \(\.mmdb\), prefix-to-AS \(pfx2as\) or DB-IP CSV file/);
  assert.deepEqual(cliJson<{ chain: { country: string[] } }>(['--db', db, 'enrich']).chain.country, []);
});
