// The provider chain in a store: special-purpose addresses get nothing, the first provider with
// an answer wins, each answer says where it came from, the chain is remembered, and a changed
// file re-enriches the stored victims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIp } from '../../core/ip.js';
import type { IndicatorRecord } from '../../core/model/indicator.js';
import type { TelemetryRecord } from '../../core/model/telemetry.js';
import type { ImportMeta, LineCounts, Store } from '../store.js';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { writeMmdb } from '../../../test/mmdb-writer.js';
import { lookupAddress } from '../../match/lookup.js';
import { enrichVictims, enrichmentSources, geoChain, setGeoChain } from '../../enrich/enrich.js';
import { importIntel, importTelemetry } from '../../match/import.js';
import { census } from '../../census/count.js';
import { victims } from '../../census/victims.js';

const ip = (s: string) => parseIp(s)!;
const grace = { graceMs: 86_400_000 };
const counts = (n: number): LineCounts => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });
let seq = 0;
const meta = (kind: ImportMeta['kind']): ImportMeta => ({ kind, format: 'test', file: `chain${++seq}`, sha256: `chain${seq}-${Date.now()}`, source: 'advisory' });

const C2 = '203.0.113.10';
/** 192.168.1.195: the test geo data misfiles 192.168.0.0/16 as AU (AS64499); 192.0.3.5: US, AS64500 there. */
const VICTIMS = ['192.168.1.195', '192.0.3.5', '1.0.0.7', '1.0.4.9', '2a00:1000::9', '100.64.9.9'];

async function withVictims(store: Store): Promise<void> {
  const c2: IndicatorRecord = { type: 'ip', value: C2, lo: ip(C2), hi: ip(C2), tags: [], forDetection: true, line: 1 };
  await importIntel(store, { meta: meta('intel'), counts: counts(1), warnings: [], indicators: [c2] }, grace);
  const records = VICTIMS.map(
    (v, i) => ({ kind: 'flow', src: ip(v), dst: ip(C2), ts: Date.parse('2024-06-10T10:00:00Z'), proto: 'tcp', bytes: 100, line: i + 1 }) as TelemetryRecord,
  );
  await importTelemetry(store, meta('telemetry'), async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, grace);
  await enrichVictims(store);
}

function providerFiles() {
  const dir = tempDir();
  const pfx2as = join(dir, 'routeviews-rv2-20240601-1200.pfx2as');
  // 1.0.4.0/22 has a more specific /24 inside; 192.0.3.0/24 overrides the test data's AS64500.
  writeFileSync(pfx2as, ['1.0.0.0\t24\t13335', '1.0.4.0\t22\t38803', '1.0.4.0\t24\t56203', '192.0.3.0\t24\t64777', '192.168.0.0\t16\t64666'].join('\n') + '\n');
  const names = join(dir, 'dbip-asn-lite-2024-05.csv');
  writeFileSync(names, '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."\n');
  const country = join(dir, 'dbip-country-lite-2024-05.csv');
  writeFileSync(country, '1.0.0.0,1.0.0.255,AU\n1.0.4.0,1.0.7.255,CN\n192.168.0.0,192.168.255.255,AU\n2a00:1000::,2a00:1000:ffff:ffff:ffff:ffff:ffff:ffff,DE\n');
  return { pfx2as, names, country };
}

test('special-purpose victims get no country or AS, whatever the data says, and are their own census row', async () => {
  const store = await openTestStore();
  await withVictims(store);
  const l = await lookupAddress(store, ip('192.168.1.195'), grace);
  assert.equal(l.host?.special, 'Private-Use (RFC 1918)');
  assert.equal(l.host?.country, undefined);
  assert.equal(l.host?.asn, undefined);
  assert.equal(l.host?.source, 'special-purpose');
  assert.equal((await lookupAddress(store, ip('100.64.9.9'), grace)).host?.special, 'Shared Address Space (carrier-grade NAT) (RFC 6598)');
  const us = await lookupAddress(store, ip('192.0.3.5'), grace);
  assert.deepEqual([us.host?.country, us.host?.asn, us.host?.special], ['US', 64500, undefined]);
  const byCountry = await census(store, { by: 'country', measure: 'cumulative', top: 10 });
  const special = byCountry.rows.find((r) => r.key === 'special');
  assert.deepEqual([special?.label, special?.count], ['private / special-purpose', 2]);
  assert.equal(byCountry.rows.find((r) => r.key === 'AU'), undefined, 'no victim is placed in Australia');
  const byAsn = await census(store, { by: 'asn', measure: 'cumulative', top: 10 });
  assert.equal(byAsn.rows.find((r) => r.key === 'special')?.count, 2);
  assert.equal(byAsn.rows.find((r) => r.key === '64499'), undefined);
  const listed = await victims(store, { country: 'special' });
  assert.deepEqual(listed.map((v) => v.ip).sort(), ['100.64.9.9', '192.168.1.195']);
  assert.equal(listed.find((v) => v.ip === '192.168.1.195')?.special, 'Private-Use (RFC 1918)');
  await store.close();
});

test('the chain: first answer wins per role, each answer names its provider and data date, and the chain is remembered', async () => {
  const path = join(tempDir(), 'chain.duckdb');
  let store = await openTestStore(path);
  await withVictims(store);
  const f = providerFiles();
  await setGeoChain(store.driver, { asn: [f.pfx2as, f.names], country: [f.country] });
  assert.equal(await enrichVictims(store), VICTIMS.length, 'a new chain enriches every stored victim again');
  await store.close();
  store = await openTestStore(path);
  assert.deepEqual(await geoChain(store.driver), { asn: [f.pfx2as, f.names], country: [f.country] });
  const at = async (a: string) => (await lookupAddress(store, ip(a), grace)).host;
  const one = await at('1.0.0.7');
  assert.deepEqual(
    [one?.asn, one?.asOrg, one?.asnSource, one?.asnDataDate, one?.country, one?.countrySource, one?.countryDataDate],
    [13335, 'Cloudflare, Inc.', 'RouteViews pfx2as', '2024-06-01', 'AU', 'DB-IP Country Lite (CSV)', '2024-05-01'],
    'pfx2as answers the AS first; its name is borrowed from the provider that has one',
  );
  assert.equal((await at('1.0.4.9'))?.asn, 56203, 'the more specific prefix');
  const first = await at('192.0.3.5');
  assert.deepEqual([first?.asn, first?.asnSource, first?.country, first?.countrySource], [64777, 'RouteViews pfx2as', 'US', '@ip-location-db/geo-whois-asn-country']);
  const v6 = await at('2a00:1000::9');
  assert.deepEqual([v6?.country, v6?.countrySource], ['DE', 'DB-IP Country Lite (CSV)']);
  assert.equal((await at('192.168.1.195'))?.asn, undefined, 'special-purpose beats every provider');
  const sources = await enrichmentSources(store.driver);
  assert.deepEqual(
    sources.map((s) => `${s.role} ${s.name} ${s.ranges}`),
    ['asn RouteViews pfx2as 5', 'asn DB-IP ASN Lite (CSV) 1', 'asn @ip-location-db/asn 5', 'country DB-IP Country Lite (CSV) 4', 'country @ip-location-db/geo-whois-asn-country 4'],
  );
  // A replaced file is noticed at the next enrichment: its victims are enriched again.
  writeFileSync(f.pfx2as, '1.0.0.0\t24\t64999\n');
  utimesSync(f.pfx2as, new Date(), new Date(Date.now() + 5000));
  assert.equal(await enrichVictims(store), VICTIMS.length);
  assert.equal((await at('1.0.0.7'))?.asn, 64999);
  assert.equal((await at('192.0.3.5'))?.asn, 64500, 'the next provider answers what the new file does not');
  // --refresh enriches every victim again even when nothing changed.
  assert.equal(await enrichVictims(store), 0);
  assert.equal(await enrichVictims(store, { refresh: true }), VICTIMS.length);
  await store.close();
});

test('lookup of an address that is no victim still tells its enrichment', async () => {
  const store = await openTestStore();
  await withVictims(store);
  const l = await lookupAddress(store, ip('192.0.3.77'), grace);
  assert.equal(l.evidence.length, 0);
  assert.deepEqual([l.host?.country, l.host?.asn], ['US', 64500]);
  assert.equal((await lookupAddress(store, ip('10.9.9.9'), grace)).host?.special, 'Private-Use (RFC 1918)');
  await store.close();
});

test('a MaxMind DB country file in the chain answers first, as GeoLite2-Country with its build date', async () => {
  const store = await openTestStore();
  await withVictims(store);
  const mmdb = join(tempDir(), 'GeoLite2-Country.mmdb');
  writeMmdb(mmdb, 'GeoLite2-Country', { '1.0.0.0/24': { country: { iso_code: 'JP' } }, '2a00:1000::/32': { registered_country: { iso_code: 'NL' } } });
  await setGeoChain(store.driver, { asn: [], country: [mmdb] });
  assert.equal(await enrichVictims(store), VICTIMS.length);
  const at = async (a: string) => (await lookupAddress(store, ip(a), grace)).host;
  const jp = await at('1.0.0.7');
  assert.deepEqual([jp?.country, jp?.countrySource, jp?.countryDataDate], ['JP', 'GeoLite2-Country', '2024-05-01']);
  assert.deepEqual([(await at('2a00:1000::9'))?.country], ['NL']);
  const us = await at('192.0.3.5');
  assert.deepEqual([us?.country, us?.countrySource], ['US', '@ip-location-db/geo-whois-asn-country'], 'the built-in data answers what the file does not');
  await store.close();
});
