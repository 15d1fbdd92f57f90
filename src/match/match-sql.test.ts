// Matching is written once: the same rows loaded through the driver, the same stage function, the
// same sightings on DuckDB and on a ClickHouse node (a real 18.16 server). The rows cover every way
// of matching: windows widened by the grace, CIDRs, ports, both flow directions, subdomains in DNS,
// HTTP and TLS, URL paths, certificate fingerprints, warninglisted indicators and victims that are
// indicators themselves.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, parseIp } from '../core/ip.js';
import type { Driver } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import { openClickHouseDriver } from '../store/clickhouse/open.js';
import { clickHouseNode } from '../../test/clickhouse.js';
import { openTestStore } from '../../test/store.js';
import { fillDerived } from '../store/duckdb/migrate.js';
import { insertSightings, type MatchScope } from './match-sql.js';

const node = await clickHouseNode();
after(() => node.endpoint?.stop());

const ip = (s: string): bigint => parseIp(s)!;
const T = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Indicators of intel import 1: [id, type, value, lo, hi, prefix, port, domain, url_path, first, last]. */
function indicators() {
  const addr = (id: number, type: string, value: string, lo: string, hi: string, prefix: number, port?: number, first?: string, last?: string) => ({
    id, import_id: 1, source: 'test', family: `fam${id}`, type, value, lo: ip(lo), hi: ip(hi), prefix, port,
    first_seen: first && T(first), last_seen: last && T(last), for_detection: true, line: id, tags: [],
  });
  const name = (id: number, type: string, value: string, domain: string, urlPath?: string) => ({
    id, import_id: 1, source: 'test', family: `fam${id}`, type, value, domain, url_path: urlPath, for_detection: true, line: id, tags: [],
  });
  return [
    addr(1, 'ip', '203.0.113.10', '203.0.113.10', '203.0.113.10', 128, undefined, '2024-06-10T00:00:00Z', '2024-06-20T00:00:00Z'),
    addr(2, 'cidr', '198.51.100.64/26', '198.51.100.64', '198.51.100.127', 122),
    addr(3, 'ip-port', '192.0.2.7:443', '192.0.2.7', '192.0.2.7', 128, 443),
    addr(4, 'cidr', '2001:db8:5::/48', '2001:db8:5::', '2001:db8:5:ffff:ffff:ffff:ffff:ffff', 48),
    addr(5, 'ip', '203.0.113.99', '203.0.113.99', '203.0.113.99', 128), // warninglisted
    addr(6, 'ip', '192.0.2.200', '192.0.2.200', '192.0.2.200', 128), // also a victim of indicator 1: no victim
    name(7, 'domain', 'c2.example', 'c2.example'),
    name(8, 'url', 'http://drop.example/gate.php', 'drop.example', '/gate.php'),
    { id: 9, import_id: 1, source: 'test', family: 'fam9', type: 'cert-sha256', value: 'ab'.repeat(32), for_detection: true, line: 9, tags: [] },
  ];
}

const flow = (line: number, src: string, dst: string, ts: string, o: { sport?: number; dport?: number; revBytes?: number } = {}) => ({
  import_id: 2, line, ts: T(ts), te: T(ts) + 1000, src: ip(src), dst: ip(dst), sport: o.sport ?? 40000, dport: o.dport ?? 80,
  proto: 'tcp', bytes: 100, packets: 1, rev_bytes: o.revBytes ?? 0, rev_packets: o.revBytes ? 1 : 0,
});

async function load(d: Driver): Promise<void> {
  await d.load(table('indicators'), indicators());
  await d.load(table('warnings'), [{ import_id: 1, list: 'Known good', kind: 'cidr', lo: ip('203.0.113.99'), hi: ip('203.0.113.99'), prefix: 128, value: '203.0.113.99/32' }]);
  const g = T('2024-06-10T00:00:00Z') - DAY; // the first moment of the grace
  await d.load(
    table('flows'),
    [
      flow(1, '192.0.3.1', '203.0.113.10', new Date(g).toISOString(), { revBytes: 50 }), // grace edge: a hit, answered
      flow(2, '192.0.3.2', '203.0.113.10', new Date(g - 1000).toISOString()), // a second before: none
      flow(3, '203.0.113.10', '192.0.3.3', '2024-06-12T10:00:00Z'), // from the indicator
      flow(4, '192.0.3.3', '203.0.113.10', '2024-06-12T10:30:00Z'), // and to it, the same hour
      flow(5, '192.0.3.4', '198.51.100.127', '2024-06-12T11:00:00Z'), // last address of the CIDR
      flow(6, '192.0.3.5', '198.51.100.128', '2024-06-12T11:00:00Z'), // just past it
      flow(7, '192.0.3.6', '192.0.2.7', '2024-06-12T11:00:00Z', { dport: 443 }), // port matches
      flow(8, '192.0.3.7', '192.0.2.7', '2024-06-12T11:00:00Z', { dport: 80 }), // port does not
      flow(9, '2001:db8:9::1', '2001:db8:5:1::9', '2024-06-12T12:00:00Z'), // IPv6 in the /48
      flow(10, '192.0.3.8', '203.0.113.99', '2024-06-12T12:00:00Z'), // warninglisted indicator
      flow(11, '192.0.2.200', '203.0.113.10', '2024-06-12T13:00:00Z'), // the victim is an indicator
    ],
  );
  await d.load(table('dns'), [
    { import_id: 2, line: 1, ts: T('2024-06-12T14:00:00Z'), client: ip('192.0.3.20'), query: 'a.b.c2.example', qtype: 'A', answers: [] },
    { import_id: 2, line: 2, ts: T('2024-06-12T14:10:00Z'), client: ip('192.0.3.21'), query: 'notc2.example', qtype: 'A', answers: [] },
  ]);
  await d.load(table('http'), [
    { import_id: 2, line: 1, ts: T('2024-06-12T15:00:00Z'), client: ip('192.0.3.30'), server: ip('192.0.2.50'), dport: 80, host: 'drop.example', uri: '/gate.php?id=1' },
    { import_id: 2, line: 2, ts: T('2024-06-12T15:00:00Z'), client: ip('192.0.3.31'), server: ip('192.0.2.50'), dport: 80, host: 'drop.example', uri: '/index.html' },
    { import_id: 2, line: 3, ts: T('2024-06-12T15:00:00Z'), client: ip('192.0.3.32'), server: ip('192.0.2.51'), dport: 80, host: 'x.c2.example', uri: '/' },
  ]);
  await d.load(table('tls'), [
    { import_id: 2, line: 1, ts: T('2024-06-12T16:00:00Z'), client: ip('192.0.3.40'), server: ip('192.0.2.60'), dport: 443, sni: 'mail.c2.example' },
    { import_id: 2, line: 2, ts: T('2024-06-12T16:00:00Z'), client: ip('192.0.3.41'), server: ip('192.0.2.61'), dport: 443, sni: 'other.example', cert_sha256: 'ab'.repeat(32) },
  ]);
  await d.load(table('reports'), [
    { import_id: 2, line: 1, ts: T('2024-06-12T17:00:00Z'), ip: ip('192.0.3.50'), report_type: 'sinkhole', compromised: true, family: 'mirai', device_id: 'dev-1' },
    { import_id: 2, line: 2, ts: T('2024-06-12T17:20:00Z'), ip: ip('192.0.3.50'), report_type: 'sinkhole', compromised: true, infection: 'mirai', device_id: 'dev-1' },
    { import_id: 2, line: 3, ts: T('2024-06-12T17:00:00Z'), ip: ip('192.0.3.51'), report_type: 'open-telnet', compromised: false },
  ]);
}

/** The sightings, as comparable rows, in a fixed order. */
async function sightings(d: Driver): Promise<string[]> {
  const rows = await d.all<Record<string, unknown>>(
    sql`SELECT victim, indicator_id, kind, import_id, hour, first_seen, last_seen, events, bytes, to_indicator, from_indicator, answered, first_line, family, detail, device_id FROM sightings`,
  );
  return rows
    .map((r) =>
      [
        formatIp(r.victim as bigint), String(r.indicator_id), r.kind, String(r.import_id), (r.hour as Date).toISOString(), (r.first_seen as Date).toISOString(),
        (r.last_seen as Date).toISOString(), String(r.events), String(r.bytes), Number(r.to_indicator), Number(r.from_indicator), Number(r.answered),
        String(r.first_line), r.family, r.detail ?? '', r.device_id ?? '',
      ].join(' '),
    )
    .sort();
}

const EXPECTED_VICTIMS = ['192.0.3.1', '192.0.3.3', '192.0.3.4', '192.0.3.6', '2001:db8:9::1', '192.0.3.20', '192.0.3.30', '192.0.3.32', '192.0.3.40', '192.0.3.41', '192.0.3.50'].sort();

/** `filled`: fills the derived columns of appended rows where the driver leaves that to the caller (DuckDB). */
async function matchOn(d: Driver, scope: MatchScope, filled: () => Promise<void> = async () => undefined): Promise<string[]> {
  await load(d);
  await filled();
  await d.atomically(() => insertSightings(d, scope));
  return sightings(d);
}

const byTelemetry: MatchScope = { telemetryImport: 2, graceMs: DAY };
const byIndicators: MatchScope = { indicatorImport: 1, graceMs: DAY };

test('matching gives the same sightings on DuckDB and on ClickHouse, and the expected ones', async (t) => {
  const store = await openTestStore();
  const duck = await matchOn(store.driver, byTelemetry, () => fillDerived(store.db, table('flows')));
  await store.close();
  assert.deepEqual([...new Set(duck.map((r) => r.split(' ')[0]))].sort(), EXPECTED_VICTIMS);
  // One row for the hour 192.0.3.3 talked both ways with indicator 1.
  assert.deepEqual(
    duck.filter((r) => r.startsWith('192.0.3.3 ')).map((r) => r.split(' ').slice(7, 11).join(' ')),
    ['2 200 1 1'],
  );
  // The sinkhole report's two rows of one hour are one sighting with the report's device.
  assert.equal(duck.filter((r) => r.startsWith('192.0.3.50 ')).length, 1);
  if (node.skip) return t.skip(node.skip);
  const ch = await openClickHouseDriver(node.endpoint!.freshUrl());
  try {
    assert.deepEqual(await matchOn(ch, byTelemetry), duck);
  } finally {
    await ch.close();
  }
});

test('indicators matched against stored telemetry give the same sightings on both engines, reports aside', async (t) => {
  const store = await openTestStore();
  const duck = await matchOn(store.driver, byIndicators, () => fillDerived(store.db, table('flows')));
  const fromTelemetry = await openTestStore();
  const both = await matchOn(fromTelemetry.driver, byTelemetry, () => fillDerived(fromTelemetry.db, table('flows')));
  await store.close();
  await fromTelemetry.close();
  // Report rows are sightings by themselves, written once, by their telemetry import.
  assert.deepEqual(duck, both.filter((r) => !r.includes(' report ')));
  if (node.skip) return t.skip(node.skip);
  const ch = await openClickHouseDriver(node.endpoint!.freshUrl());
  try {
    assert.deepEqual(await matchOn(ch, byIndicators), duck);
  } finally {
    await ch.close();
  }
});
