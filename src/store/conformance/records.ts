// Records and a small scenario for the conformance suite, built through the store contract only.
// Addresses are documentation ranges; the enrichment the expectations name (US, VN, AS64500 ...)
// is the fixture range data of test/fixtures/geo, which every driver's test loads.
import { parseCidr, parseIp } from '../../core/ip.js';
import type { IndicatorRecord, WarningEntry } from '../../core/model/indicator.js';
import type { TelemetryRecord } from '../../core/model/telemetry.js';
import type { ImportMeta, LineCounts, MatchOptions, Store } from '../store.js';
import { enrichVictims } from '../../enrich/enrich.js';
import { lookupEvidenceOf } from '../../match/lookup.js';
import { importIntel, importTelemetry } from '../../match/import.js';
import { census } from '../../census/count.js';
import { dailyActive, topIndicators } from '../../census/dashboard.js';
import { victims } from '../../census/victims.js';
import { indicatorPage, victimPage } from '../../server/access/window-pages-sql.js';

export const ip = (s: string): bigint => parseIp(s)!;
export const t = (s: string): number => Date.parse(s);
export const DAY = 86_400_000;
export const grace: MatchOptions = { graceMs: DAY };

export function ind(type: IndicatorRecord['type'], value: string, extra: Partial<IndicatorRecord> = {}): IndicatorRecord {
  const r: IndicatorRecord = { type, value, tags: [], forDetection: true, line: 1, ...extra };
  if (type === 'ip' || type === 'ip-port') {
    const a = ip(type === 'ip' ? value : value.replace(/:\d+$/, ''));
    r.lo = a;
    r.hi = a;
  } else if (type === 'cidr') {
    const c = parseCidr(value)!;
    r.lo = c.lo;
    r.hi = c.hi;
  } else if (type === 'domain') r.domain = value;
  return r;
}

export const counts = (n: number): LineCounts => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });

let seq = 0;
export const meta = (kind: ImportMeta['kind'], source?: string): ImportMeta => ({ kind, format: 'test', file: `f${++seq}`, sha256: `h${seq}`, source });

export function flow(src: string, dst: string, ts: string, extra: Partial<TelemetryRecord> = {}): TelemetryRecord {
  return { kind: 'flow', src: ip(src), dst: ip(dst), ts: t(ts), proto: 'tcp', bytes: 100, ...extra } as TelemetryRecord;
}

export function report(addr: string, deviceId: string, ts: string): TelemetryRecord {
  return { kind: 'report', ip: ip(addr), ts: t(ts), reportType: 'event4_sinkhole', compromised: true, family: 'nosedive', deviceId, extra: {} };
}

/** Imports telemetry records as one file, then enriches the new victims (as `ingest` does). */
export async function ingest(store: Store, records: TelemetryRecord[], m = meta('telemetry')) {
  records.forEach((r, i) => (r.line = i + 1));
  const out = await importTelemetry(store, m, async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, grace);
  await enrichVictims(store, { importId: out.importId });
  return out;
}

/** Imports indicators as one file, then enriches the victims they matched in stored telemetry (as `intel import` does). */
export async function intel(store: Store, indicators: IndicatorRecord[], source = 'advisory', family?: string) {
  const out = await importIntel(store, { meta: meta('intel', source), counts: counts(indicators.length), warnings: [], indicators, family }, grace);
  if (out.sightings) await enrichVictims(store);
  return out;
}

export function warninglist(store: Store, warnings: WarningEntry[]) {
  return importIntel(store, { meta: meta('warninglist', 'misp'), counts: counts(warnings.length), indicators: [], warnings }, grace);
}

/**
 * One store with every kind of match: a windowed address, a CIDR, an address with a port, a domain
 * (matched by a subdomain), a warninglisted indicator, both directions of a flow, an indicator
 * talking to an indicator, and one device seen on two addresses.
 */
export async function scenario(store: Store): Promise<Store> {
  await warninglist(store, [{ list: 'Public DNS', kind: 'cidr', value: '8.8.8.8/32', lo: ip('8.8.8.8'), hi: ip('8.8.8.8') }]);
  await intel(
    store,
    [
      ind('ip', '203.0.113.10', { firstSeen: t('2024-06-01T00:00:00Z'), lastSeen: t('2024-06-30T00:00:00Z'), tags: ['tier2'] }),
      ind('cidr', '203.0.113.128/25', { tags: ['tier3'] }),
      ind('ip-port', '203.0.113.50:443', { port: 443 }),
      ind('domain', 'c2.example'),
      ind('ip', '8.8.8.8'),
    ],
    'advisory',
    'raptor-train',
  );
  await ingest(store, [
    flow('192.0.3.1', '203.0.113.10', '2024-06-10T10:00:00Z'),
    flow('203.0.113.10', '192.0.3.1', '2024-06-10T10:00:01Z'),
    flow('192.0.3.2', '203.0.113.10', '2024-08-01T10:00:00Z'), // window closed 30 June, grace 1 day
    flow('198.51.101.7', '203.0.113.200', '2024-06-11T10:00:00Z'),
    flow('198.51.101.8', '203.0.113.50', '2024-06-11T10:00:00Z', { dport: 80 }),
    flow('198.51.101.9', '203.0.113.50', '2024-06-11T11:00:00Z', { dport: 443 }),
    flow('203.0.113.10', '203.0.113.200', '2024-06-11T12:00:00Z'), // both ends are indicators
    flow('192.0.3.77', '8.8.8.8', '2024-06-11T12:00:00Z', { dport: 53 }), // warninglisted indicator
    { kind: 'dns', client: ip('192.0.3.3'), query: 'a.b.c2.example', ts: t('2024-06-12T00:00:00Z') },
    { kind: 'dns', client: ip('192.0.3.4'), query: 'notc2.example', ts: t('2024-06-12T00:00:00Z') },
    report('192.0.3.200', 'D1', '2024-06-12T01:00:00Z'),
    report('192.0.3.201', 'D1', '2024-06-12T02:00:00Z'),
  ]);
  return store;
}

/** Sightings on several days and hours, one spanning midnight, so that windows cut days in two. */
export async function ingestAcrossMidnight(store: Store): Promise<void> {
  await ingest(store, [
    flow('192.0.3.1', '203.0.113.10', '2024-06-11T23:30:00Z', { te: t('2024-06-12T00:30:00Z') }),
    flow('192.0.3.5', '203.0.113.10', '2024-06-12T15:00:00Z'),
    flow('203.0.113.10', '192.0.3.5', '2024-06-13T15:00:00Z'),
  ]);
}

/** Windows over ingestAcrossMidnight's sightings: open, cutting days, inside one hour after midnight. */
const CUT_WINDOWS: [string | undefined, string | undefined][] = [
  [undefined, undefined],
  ['2024-06-10T10:00:00.500Z', '2024-06-12T00:00:00Z'],
  ['2024-06-11T12:00:00Z', '2024-06-12T15:00:00Z'],
  ['2024-06-12T00:10:00Z', '2024-06-12T00:20:00Z'],
  ['2024-06-12T00:00:00Z', '2024-06-14T00:00:00Z'],
  [undefined, '2024-06-12T01:00:00Z'],
  ['2024-06-13T00:00:00Z', undefined],
];

/**
 * Every question a window is asked, per window of CUT_WINDOWS: [0] the census by country, [1] by
 * family, [2] the victims, [3] the victims' page, [4] the top indicators. Then the daily trend,
 * the indicators' page and the evidence of three addresses.
 */
export async function windowAnswers(store: Store): Promise<{ windows: unknown[][]; rest: unknown[] }> {
  const windows: unknown[][] = [];
  for (const [f, u] of CUT_WINDOWS) {
    const w = { from: f === undefined ? undefined : t(f), to: u === undefined ? undefined : t(u) };
    windows.push([
      await census(store, { by: 'country', measure: 'window', ...w, top: 10 }),
      await census(store, { by: 'family', measure: 'window', ...w, top: 10 }),
      await victims(store, w),
      await victimPage(store, { ...w, sort: 'events', dir: 'desc', limit: 50, offset: 0 }),
      await topIndicators(store, { ...w, limit: 10 }),
    ]);
  }
  const rest: unknown[] = [
    await dailyActive(store, { from: t('2024-06-09T00:00:00Z'), to: t('2024-06-14T00:00:00Z') }),
    await indicatorPage(store, { sort: 'value', dir: 'asc', limit: 50, offset: 0 }),
  ];
  for (const a of ['192.0.3.1', '192.0.3.5', '192.0.3.200']) rest.push(await lookupEvidenceOf(store, ip(a)));
  return { windows, rest };
}
