// MaxMind's own test databases (../shared/data/geo/maxmind-test): the tree walk gives exactly the
// networks the database was written from, each with the data mmdb-lib's own lookup returns, and
// a store enriching from them answers as that lookup does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Reader } from 'mmdb-lib';
import { formatIp, isV4, parseCidr, parseIp } from './ip.js';
import { SHARED_DATA } from '../../test/shared.js';
import { openTestStore } from '../../test/store.js';
import type { IndicatorRecord } from './model/indicator.js';
import type { TelemetryRecord } from './model/telemetry.js';
import { asnOfRecord, countryOfRecord, openMmdb } from './mmdb.js';
import { openProvider } from './providers.js';
import { enrichVictims, enrichmentSources, setGeoChain } from '../enrich/enrich.js';
import { importIntel, importTelemetry } from '../match/import.js';

const DIR = join(SHARED_DATA, 'geo/maxmind-test');
const ASN = join(DIR, 'GeoLite2-ASN-Test.mmdb');
const COUNTRY = join(DIR, 'GeoIP2-Country-Test.mmdb');

/** An address of the store as mmdb-lib takes it (IPv4 in dotted form). */
const text = (n: bigint) => formatIp(n);

test('the walk of GeoLite2-ASN-Test yields the networks of its source file, with their AS', () => {
  const db = openMmdb(ASN);
  assert.equal(db.type, 'GeoLite2-ASN');
  const nets = [...db.networks()];
  const source = (JSON.parse(readFileSync(join(DIR, 'GeoLite2-ASN-Test.source.json'), 'utf8')) as Record<string, { autonomous_system_number: number }>[]).map(
    (o) => Object.entries(o)[0]!,
  );
  assert.ok(source.length > 500);
  for (const [cidr, data] of source) {
    const r = parseCidr(cidr)!;
    const holding = nets.filter(([lo, hi]) => lo <= r.lo && r.lo <= hi);
    assert.equal(holding.length, 1, cidr);
    assert.ok(holding[0]![1] >= r.hi, `${cidr} is whole in one walked network`);
    assert.equal(asnOfRecord(holding[0]![2])?.asn, data.autonomous_system_number, cidr);
  }
  // In address order, none overlapping.
  for (let i = 1; i < nets.length; i++) assert.ok(nets[i]![0] > nets[i - 1]![1]);
});

test('every walked network of the country databases answers as mmdb-lib looks it up, at both ends', () => {
  for (const file of [COUNTRY, join(DIR, 'GeoLite2-Country-Test.mmdb'), join(DIR, 'GeoLite2-City-Test.mmdb')]) {
    const reader = new Reader(readFileSync(file));
    const nets = [...openMmdb(file).networks()];
    assert.ok(nets.length > 100, file);
    for (const [lo, hi, rec] of nets)
      for (const a of [lo, hi]) assert.deepEqual(reader.get(text(a)), rec, `${file} ${text(a)}`);
    assert.ok(nets.some(([lo]) => isV4(lo)) && nets.some(([lo]) => !isV4(lo)), 'IPv4 and IPv6 networks');
  }
});

test('a store enriching from the MaxMind test databases answers as mmdb-lib does, and says so', async () => {
  const store = await openTestStore();
  const asnReader = new Reader(readFileSync(ASN));
  const countryReader = new Reader(readFileSync(COUNTRY));
  // Victims: the first address of each network of either database (a few hundred).
  const victims = new Set<bigint>();
  for (const file of [ASN, COUNTRY]) for (const [lo] of openMmdb(file).networks()) victims.add(lo);
  const c2 = parseIp('203.0.113.10')!;
  const ind: IndicatorRecord = { type: 'ip', value: '203.0.113.10', lo: c2, hi: c2, tags: [], forDetection: true, line: 1 };
  const counts = (n: number) => ({ lines: n, records: n, framing: 0, rejected: 0, examples: [] });
  await importIntel(store, { meta: { kind: 'intel', format: 'test', file: 'c2', sha256: 'c2' }, counts: counts(1), warnings: [], indicators: [ind] }, { graceMs: 0 });
  const records = [...victims].map((v, i) => ({ kind: 'flow', src: v, dst: c2, ts: Date.parse('2024-06-10T10:00:00Z'), proto: 'tcp', bytes: 1, line: i + 1 }) as TelemetryRecord);
  await importTelemetry(store, { kind: 'telemetry', format: 'test', file: 'flows', sha256: 'flows' }, async (write) => {
    await write(records);
    return counts(records.length);
  }, () => undefined, { graceMs: 0 });
  await setGeoChain(store.driver, { asn: [ASN], country: [COUNTRY] });
  assert.equal(await enrichVictims(store), victims.size);
  const hosts = await store.db.all<{ ip: bigint; asn: bigint | null; country: string | null; asn_source: string | null; country_source: string | null; special: string | null }>(
    `SELECT ip, asn, country, asn_source, country_source, special FROM hosts`,
  );
  let fromAsn = 0;
  let fromCountry = 0;
  for (const h of hosts) {
    if (h.special) continue;
    const a = asnOfRecord(asnReader.get(text(h.ip)));
    const c = countryOfRecord(countryReader.get(text(h.ip)));
    if (a) {
      fromAsn++;
      assert.deepEqual([Number(h.asn), h.asn_source], [a.asn, 'GeoLite2-ASN'], text(h.ip));
    } else assert.notEqual(h.asn_source, 'GeoLite2-ASN', text(h.ip));
    if (c) {
      fromCountry++;
      assert.deepEqual([h.country, h.country_source], [c, 'GeoIP2-Country'], text(h.ip));
    } else assert.notEqual(h.country_source, 'GeoIP2-Country', text(h.ip));
  }
  assert.ok(fromAsn > 200 && fromCountry > 200, `${fromAsn} answered by the ASN file, ${fromCountry} by the country file`);
  const sources = await enrichmentSources(store.driver);
  assert.deepEqual(sources.filter((s) => s.file).map((s) => [s.name, s.dataDate, s.licence]), [
    ['GeoLite2-ASN', '2026-02-04', 'GeoLite2 EULA (MaxMind; attribution required)'],
    ['GeoIP2-Country', '2026-02-04', 'MaxMind commercial licence'],
  ]);
  assert.equal(openProvider(COUNTRY, 'country').dataDate, '2026-02-04');
  await store.close();
});
