// The enrich stage on both engines, the same assertions on DuckDB and on a ClickHouse node:
// victims enriched from the fixture ranges (first provider, narrowest range), special-purpose
// addresses left without AS and country, a report's own AS and country where no range answers,
// one import's victims alone, an address that is no victim enriched on the fly, and the hosts
// rows read back equal on both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEngines } from '../../test/engines.js';
import { tempDir } from '../../test/tmp.js';
import { parseIp } from '../core/ip.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import { enrichVictims, hostEnrichment } from './enrich.js';

const engines = await testEngines();
// Ranges beside the documentation blocks (192.0.3.0/24, 2001:db9::/32), which are no special-purpose block.
const dir = tempDir();
const file = (name: string, lines: string[]) => {
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return join(dir, name);
};
const GEO = {
  version: 'engines-1',
  asnV4: [file('asn-v4.csv', ['3221226240,3221226495,64512,"Beside Equal"', '3221226240,3221226495,64510,"Beside A"', '3221226368,3221226431,64511,"Beside B"'])],
  asnV6: [file('asn-v6.csv', ['42540766490510755371168322545197776896,42540766569738917885432660138741727231,64503,"Example IPv6 Net"'])],
  countryV4: [file('country-v4.csv', ['3221226240,3221226495,NL'])],
  countryV6: [file('country-v6.csv', ['42540766490510755371168322545197776896,42540766569738917885432660138741727231,DE'])],
};
const ip = (s: string): bigint => parseIp(s)!;
const T = Date.UTC(2024, 5, 1);
const V6 = 42540766490510755371168322545197776896n; // the fixture's IPv6 range starts here
const VICTIMS: [string, number][] = [
  ['192.0.3.5', 1],
  ['192.0.3.130', 1],
  ['192.0.5.1', 1],
  ['192.168.1.1', 1],
  ['192.0.4.9', 1],
  ['10.0.0.1', 2],
];
const sighting = (victim: bigint, importId: number) => ({ victim, kind: 'flow', import_id: importId, hour: T, first_seen: T, last_seen: T, events: 1 });

const answers = new Map<string, unknown>();

for (const e of engines) {
  test(`${e.name}: victims enriched once, from the first provider's narrowest range, special blocks and reports apart`, { skip: e.skip ?? false }, async () => {
    const store = await e.open(GEO);
    try {
      const d = store.driver;
      await d.load(table('sightings'), [...VICTIMS.map(([a, imp]) => sighting(ip(a), imp)), sighting(V6 + 5n, 2), sighting(ip('192.0.3.5'), 2)]);
      await d.load(table('reports'), [{ import_id: 2, line: 1, ts: T, ip: ip('192.0.4.9'), asn: 64496, geo: 'fr', report_type: 'scan', compromised: true }]);
      assert.equal(await enrichVictims(store, { importId: 2 }), 3, "one import's victims: 10.0.0.1, the IPv6 one, 192.0.3.5");
      assert.equal(await enrichVictims(store), 4, 'the rest');
      assert.equal(await enrichVictims(store), 0, 'each victim once');
      const rows = await d.all<Record<string, unknown>>(sql`SELECT ip, asn, as_org, country, source, special, asn_source, country_source FROM hosts ORDER BY ip`);
      const shown = rows.map((r) => [r.ip, r.asn === null ? null : Number(r.asn), r.as_org, r.country, r.source, r.special === null ? null : 'special', r.asn_source, r.country_source]);
      const zip = '@ip-location-db/asn';
      const cc = '@ip-location-db/geo-whois-asn-country';
      assert.deepEqual(shown, [
        [ip('10.0.0.1'), null, null, null, 'special-purpose', 'special', null, null],
        [ip('192.0.3.5'), 64510, 'Beside A', 'NL', zip, null, zip, cc],
        [ip('192.0.3.130'), 64511, 'Beside B', 'NL', zip, null, zip, cc],
        [ip('192.0.4.9'), 64496, null, 'FR', 'report', null, 'report', 'report'],
        [ip('192.0.5.1'), null, null, null, null, null, null, null],
        [ip('192.168.1.1'), null, null, null, 'special-purpose', 'special', null, null],
        [V6 + 5n, 64503, 'Example IPv6 Net', 'DE', zip, null, zip, cc],
      ]);
      const off = await hostEnrichment(d, ip('192.0.3.140'));
      assert.deepEqual([off?.asn, off?.asOrg, off?.country, off?.asnSource, off?.countrySource], [64511, 'Beside B', 'NL', zip, cc]);
      assert.equal(await hostEnrichment(d, ip('100.64.0.1')).then((h) => h?.special), 'Shared Address Space (carrier-grade NAT) (RFC 6598)');
      assert.equal(await enrichVictims(store, { refresh: true }), 7, 'refreshed: every victim again');
      assert.equal(rows.length, Number((await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM hosts`))!.n));
      answers.set(e.name, { rows, off });
    } finally {
      await store.close();
    }
  });
}

test('both engines enrich alike', { skip: engines.find((e) => e.skip)?.skip ?? false }, () => {
  assert.equal(answers.size, 2);
  assert.deepEqual(answers.get('ClickHouse'), answers.get('DuckDB'));
});

for (const e of engines) {
  test(`${e.name}: two enrichments at once load the ranges once`, { skip: e.skip ?? false }, async () => {
    const store = await e.open(GEO);
    try {
      const d = store.driver;
      await d.load(table('sightings'), VICTIMS.map(([a, imp]) => sighting(ip(a), imp)));
      await Promise.all([enrichVictims(store), enrichVictims(store)]);
      const n = async (t: string) => Number((await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM ${sql.ident(t)}`))!.n);
      const sources = await d.all<{ src: number | bigint }>(sql`SELECT src FROM geo_sources ORDER BY src`);
      assert.deepEqual(sources.map((s) => Number(s.src)), [0, 1], 'each source once');
      const once = [await n('geo_asn'), await n('geo_country')];
      await enrichVictims(store, { refresh: true });
      assert.deepEqual([await n('geo_asn'), await n('geo_country')], once, 'the same ranges as one load');
      assert.equal(await n('hosts'), VICTIMS.length);
    } finally {
      await store.close();
    }
  });
}
