// Test support (not a test): a small store with victims in seven countries over several days,
// a warninglist, a device seen at two addresses, and hostile names (an AS organisation and a
// domain indicator containing <script>) to check escaping. Geo ranges: test/fixtures/report/.
import { join, resolve } from 'node:path';
import { parseCidr, parseIp } from '../src/core/ip.js';
import type { IndicatorRecord } from '../src/core/model/indicator.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import type { ImportMeta, LineCounts } from '../src/store/store.js';
import type { TelemetryRecord } from '../src/core/model/telemetry.js';
import { tempDir } from './tmp.js';
import { replaceOwners } from '../src/notify/owners-sql.js';
import { enrichVictims } from '../src/enrich/enrich.js';
import { importIntel, importTelemetry } from '../src/match/import.js';

const GEO = resolve(process.cwd(), 'test/fixtures/report');
export const REPORT_GEO = {
  version: 'report-fixture-1',
  asnV4: [join(GEO, 'asn-v4.csv')],
  asnV6: [join(GEO, 'asn-v6.csv')],
  countryV4: [join(GEO, 'country-v4.csv')],
  countryV6: [join(GEO, 'country-v6.csv')],
};

export const DAY = 86_400_000;
export const HOSTILE_DOMAIN = '<script>alert(2)</script>.example';
/** The latest sighting: the default reference time. */
export const LATEST = Date.parse('2024-06-12T12:00:00Z');

const ip = (s: string) => parseIp(s)!;
const counts = (n: number): LineCounts => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });
let seq = 0;
const meta = (kind: ImportMeta['kind'], source?: string): ImportMeta => ({ kind, format: 'test', file: `/data/f${++seq}.txt`, sha256: `rh${seq}-${Date.now()}`, source });

function ind(type: IndicatorRecord['type'], value: string, extra: Partial<IndicatorRecord> = {}): IndicatorRecord {
  const r: IndicatorRecord = { type, value, tags: [], forDetection: true, line: 1, ...extra };
  if (type === 'ip') r.lo = r.hi = ip(value);
  else if (type === 'cidr') ({ lo: r.lo, hi: r.hi } = parseCidr(value)!);
  else if (type === 'domain') r.domain = value;
  return r;
}

/** Victim address -> days of June 2024 it talks to the C2 (flows at 10:00 UTC, the 12th at 12:00). */
const FLOW_DAYS: [string, number[]][] = [
  ['192.0.3.1', [8, 9, 10, 11, 12]],
  ['192.0.3.2', [12]],
  ['192.0.3.4', [10]],
  ['192.0.3.130', [12]],
  ['192.0.3.131', [9]],
  ['198.51.101.7', [12]],
  ['198.51.101.8', [11, 12]],
  ['198.51.101.9', [8]],
  ['100.63.1.5', [12]],
  ['100.63.1.6', [12]],
  ['100.63.2.2', [11]],
  ['100.63.2.3', [12]],
  ['100.63.2.4', [10]], // on a warninglist: left out unless includeWarned
  ['2001:db9::5', [12]],
  ['100.63.5.1', [3]], // only in the cumulative count
];

const at = (day: number, hour = 10) => Date.UTC(2024, 5, day, hour);

function telemetry(): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  for (const [victim, days] of FLOW_DAYS)
    for (const d of days) {
      const dst = victim.startsWith('198.51.101') ? '203.0.113.200' : '203.0.113.10';
      out.push({ kind: 'flow', src: ip(victim), dst: ip(dst), ts: d === 12 ? at(12, 11) : at(d), proto: 'tcp', dport: 443, bytes: 300 });
    }
  out.push({ kind: 'flow', src: ip('203.0.113.10'), dst: ip('192.0.3.1'), ts: at(12, 11), proto: 'tcp', bytes: 100 }); // the C2 answers
  out.push({ kind: 'flow', src: ip('192.0.3.77'), dst: ip('8.8.8.8'), ts: at(12), proto: 'udp', dport: 53 }); // warninglisted
  out.push({ kind: 'dns', client: ip('192.0.3.3'), query: 'a.c2.example', ts: at(11) });
  out.push({ kind: 'dns', client: ip('100.63.2.1'), query: HOSTILE_DOMAIN, ts: at(12) });
  for (const addr of ['100.63.4.9', '100.63.4.10'])
    out.push({ kind: 'report', ip: ip(addr), ts: addr.endsWith('9') ? at(11) : at(12, 12), reportType: 'event4_sinkhole', compromised: true, family: 'nosedive', deviceId: 'SG-1', extra: {} });
  out.forEach((r, i) => (r.line = i + 1));
  return out;
}

/** A fresh store in a temp dir holding the scenario. */
export async function reportStore(path = join(tempDir(), 'report.duckdb')): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(path, { geo: REPORT_GEO, threads: 2 });
  const grace = { graceMs: DAY };
  const warnings = [
    { list: 'Public DNS resolvers', kind: 'cidr' as const, value: '8.8.8.8/32', lo: ip('8.8.8.8'), hi: ip('8.8.8.8') },
    { list: 'Research scanners', kind: 'cidr' as const, value: '100.63.2.4/32', lo: ip('100.63.2.4'), hi: ip('100.63.2.4') }, // a victim
  ];
  await importIntel(store, { meta: meta('warninglist', 'misp'), counts: counts(1), indicators: [], warnings }, grace);
  await importIntel(
    store,
    {
      meta: meta('intel', 'advisory'),
      counts: counts(5),
      warnings: [],
      family: 'raptor-train',
      indicators: [ind('ip', '203.0.113.10'), ind('cidr', '203.0.113.128/25'), ind('domain', 'c2.example'), ind('domain', HOSTILE_DOMAIN), ind('ip', '8.8.8.8')],
    },
    grace,
  );
  const records = telemetry();
  await importTelemetry(store, meta('telemetry'), async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, grace);
  await enrichVictims(store);
  const base = { emails: [], language: 'en', intervalDays: 7, format: 'csv-attachment' as const };
  await replaceOwners(store, [
    { ...base, name: 'Example Telecom', asns: [64500], cidrs: [] },
    { ...base, name: 'Example Mobile', asns: [64502], cidrs: [] },
  ]);
  return store;
}
