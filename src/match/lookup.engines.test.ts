// lookup's queries, written once, give the same answers on DuckDB and ClickHouse (a node and a cluster): the
// evidence behind a victim's sightings, its owner, services and devices, and every kind of near
// miss with its reason, from the same rows loaded into each; the evidence the same from the
// sightings and from the census's victim-ordered fold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import type { Driver } from '../store/driver.js';
import { engines } from '../../test/engines.js';
import { loadLookupFixture as load, VICTIM } from '../../test/lookup-fixture.js';
import { lookupEvidence } from './lookup-evidence.js';
import { lookupNearMisses } from './lookup-near-misses.js';
import { foldPairDays, sightingsByVictim } from '../census/pair-days.js';

const ip = (s: string) => parseIp(s)!;
const grace = { graceMs: 3_600_000 };

/** Both answers as plain JSON, dates as ISO text. */
async function answers(d: Driver) {
  const evidence = await lookupEvidence(d, ip(VICTIM), { asn: 64500, country: 'ZZ' });
  const near = await lookupNearMisses(d, ip(VICTIM), grace);
  const other = await lookupEvidence(d, ip('198.51.100.200'), undefined);
  return JSON.parse(JSON.stringify({ evidence, near, other }));
}

const results = new Map<string, unknown>();

const all = await engines();
for (const engine of all) {
  test(`${engine.name}: lookup's evidence, owner, services, devices and near misses`, { skip: engine.skip }, async () => {
    const d = await engine.open();
    try {
      await load(d);
      const a = await answers(d);
      results.set(engine.name, a);
      assert.deepEqual(
        a.evidence.evidence.map((e: Record<string, unknown>) => [e.indicator, e.kind, e.events, e.bytes, e.direction, e.grade, e.file, e.firstLine, e.detail ?? null]),
        [
          ['198.51.100.7:443', 'flow', 3, 150, 'both', 'two-way', 'flows.csv', 2, null],
          ['c2.example', 'dns', 1, 0, 'n/a', 'confirmed', 'dns.log', 2, 'a.b.c2.example'],
        ],
      );
      assert.equal(a.evidence.evidence[0].lastSeen, '2024-06-10T12:30:00.000Z');
      assert.equal(a.evidence.owner, 'Block owner', 'a block beats the ASN');
      assert.deepEqual(a.evidence.isIndicator, []);
      assert.deepEqual(a.evidence.services, [
        { port: 23, transport: 'tcp', protocol: 'telnet', source: 'zgrab2', firstSeen: '2024-06-01T00:00:00.000Z', lastSeen: '2024-06-02T00:00:00.000Z', events: 2, file: 'flows.csv', line: 7 },
      ]);
      assert.equal(a.evidence.devices.length, 1);
      assert.deepEqual(a.evidence.devices[0].exposures, [
        { cveID: 'CVE-2024-0001', level: 'version', matchedOn: 'cpe' },
        { cveID: 'CVE-2024-0002', name: 'Acme Router RCE', level: 'product-level', matchedOn: 'product' },
      ]);
      assert.equal(a.evidence.devices[0].evidence[0].banner, 'Acme login');
      assert.deepEqual(
        a.near.nearMisses.map((m: Record<string, unknown>) => [m.indicator, m.kind, m.line, m.reason]),
        [
          ['203.0.113.0/24', 'flow', 4, "seen 2024-05-31 20:00 UTC, before the indicator's window opens 2024-06-01 (grace included)"],
          ['198.51.100.7:443', 'flow', 3, "port 80 is not the indicator's port 443"],
          ['192.0.2.99', 'flow', 5, 'the indicator is marked not for detection'],
          ['198.51.100.200', 'flow', 6, 'the indicator is on a warninglist'],
          ['x.cdn.example', 'dns', 3, 'the indicator is on a warninglist'],
          ['203.0.113.0/24', 'flow', 7, "seen 2024-07-02 10:00 UTC, after the indicator's window closed 2024-06-30 (grace included)"],
        ],
      );
      assert.equal(a.near.telemetryRows, 6 + 3, 'its six flows and three DNS queries');
      // An address that is itself an indicator, in a warninglisted block, with no owner.
      assert.deepEqual(a.other.isIndicator.map((i: Record<string, unknown>) => i.value), ['198.51.100.200']);
      assert.deepEqual(a.other.warnings, ['Test blocks']);
      assert.equal(a.other.owner, undefined);
      // Read from the census's victim-ordered fold once it is built: the same evidence.
      assert.equal(await sightingsByVictim(d), undefined, 'no fold yet');
      await foldPairDays(d);
      const folded = await sightingsByVictim(d);
      assert.ok(folded);
      assert.deepEqual(JSON.parse(JSON.stringify(await lookupEvidence(d, ip(VICTIM), { asn: 64500, country: 'ZZ' }, folded))), a.evidence);
    } finally {
      await d.close();
    }
  });
}

test('every engine gives the lookup DuckDB gives', { skip: all.find((e) => e.skip)?.skip }, () => {
  for (const e of all.slice(1)) assert.deepEqual(results.get(e.name), results.get('DuckDB'), e.name);
});
