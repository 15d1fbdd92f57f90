// Matching semantics: validity windows widened by the grace, CIDRs to their edges, ports,
// subdomains, direction, warninglists, retroactive matching and retraction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceTarget } from './index.js';
import { DAY, flow, grace, ind, ingest, intel, ip, scenario, t, warninglist } from './records.js';
import { lookupAddress } from '../../match/lookup.js';
import { victims } from '../../census/victims.js';

export function matchingSuite({ name, open }: ConformanceTarget): void {
  test(`${name}: matching: windows, CIDRs, ports, subdomains, indicator endpoints and warninglists`, async () => {
    const store = await scenario(await open());
    const v = await victims(store, {});
    // Not 192.0.3.2 (after the window and its grace), 198.51.101.8 (port 80, not 443), 192.0.3.4
    // (notc2.example is no subdomain), 192.0.3.77 (warninglisted indicator), nor 203.0.113.10 (an indicator).
    assert.deepEqual(v.map((x) => x.ip).sort(), ['192.0.3.1', '192.0.3.200', '192.0.3.201', '192.0.3.3', '198.51.101.7', '198.51.101.9']);
    const byIp = new Map(v.map((x) => [x.ip, x]));
    assert.equal(byIp.get('192.0.3.1')!.grade, 'two-way');
    assert.equal(byIp.get('198.51.101.7')!.grade, 'one-way');
    assert.equal(byIp.get('192.0.3.3')!.grade, 'confirmed');
    assert.deepEqual(byIp.get('192.0.3.3')!.indicators, ['c2.example']);
    assert.deepEqual(byIp.get('192.0.3.1')!.families, ['raptor-train']);
    assert.equal(byIp.get('192.0.3.200')!.deviceId, 'D1');
    assert.equal(byIp.get('192.0.3.1')!.country, 'US');
    assert.equal(byIp.get('198.51.101.9')!.asn, 64502);
    await store.close();
  });

  test(`${name}: the grace widens a window on both sides, to the millisecond`, async () => {
    const store = await open();
    await intel(store, [ind('ip', '203.0.113.10', { firstSeen: t('2024-06-10T00:00:00Z'), lastSeen: t('2024-06-20T00:00:00Z') })]);
    const at = (ms: number) => new Date(ms).toISOString();
    await ingest(store, [
      flow('192.0.3.1', '203.0.113.10', at(t('2024-06-10T00:00:00Z') - DAY)), // first day of the grace
      flow('192.0.3.2', '203.0.113.10', at(t('2024-06-10T00:00:00Z') - DAY - 1000)), // a second before it
      flow('192.0.3.3', '203.0.113.10', at(t('2024-06-20T00:00:00Z') + DAY)), // last moment of the grace
      flow('192.0.3.4', '203.0.113.10', at(t('2024-06-20T00:00:00Z') + DAY + 1000)), // a second after it
    ]);
    assert.deepEqual((await victims(store, {})).map((v) => v.ip).sort(), ['192.0.3.1', '192.0.3.3']);
    await store.close();
  });

  test(`${name}: lookup says which way a flow went and why a near miss did not match`, async () => {
    const store = await scenario(await open());
    const hit = await lookupAddress(store, ip('192.0.3.1'), grace);
    assert.deepEqual(hit.evidence.map((e) => [e.indicator, e.direction, e.firstLine]), [['203.0.113.10', 'both', 1]]);
    const late = await lookupAddress(store, ip('192.0.3.2'), grace);
    assert.equal(late.evidence.length, 0);
    assert.match(late.nearMisses[0]!.reason, /after the indicator's window closed 2024-06-30/);
    assert.match((await lookupAddress(store, ip('198.51.101.8'), grace)).nearMisses[0]!.reason, /port 80 is not the indicator's port 443/);
    assert.match((await lookupAddress(store, ip('192.0.3.77'), grace)).nearMisses[0]!.reason, /warninglist/);
    assert.equal((await lookupAddress(store, ip('203.0.113.10'), grace)).isIndicator.length, 1);
    const one = await lookupAddress(store, ip('198.51.101.7'), grace);
    assert.deepEqual(one.evidence.map((e) => e.direction), ['to-indicator']);
    await store.close();
  });

  test(`${name}: flows match at the edges of every range size, IPv4 and IPv6`, async () => {
    const store = await open();
    const ranges = ['198.51.101.7', '203.0.113.64/26', '10.16.0.0/20', '172.16.0.0/12', '2001:db9:1::/64'];
    const inside = ['198.51.101.7', '203.0.113.64', '203.0.113.127', '10.16.0.0', '10.16.15.255', '172.16.0.0', '172.31.255.255', '2001:db9:1::', '2001:db9:1::ffff:ffff:ffff:ffff'];
    const outside = ['198.51.101.8', '203.0.113.128', '10.16.16.0', '172.32.0.0', '2001:db9:2::'];
    await intel(store, ranges.map((v) => ind(v.includes('/') ? 'cidr' : 'ip', v)));
    const far = [...inside, ...outside];
    const victimOf = (f: string) => `2001:db9:ffff::${far.indexOf(f) + 1}`;
    await ingest(store, far.map((f) => flow(victimOf(f), f, '2024-06-10T10:00:00Z')));
    assert.deepEqual((await victims(store, {})).map((v) => v.ip).sort(), inside.map(victimOf).sort());
    await store.close();
  });

  test(`${name}: indicators imported after telemetry match it; a victim named as an indicator is retracted`, async () => {
    const store = await open();
    await ingest(store, [flow('192.0.3.5', '203.0.113.99', '2024-06-10T10:00:00Z'), flow('192.0.3.6', '203.0.113.99', '2024-06-10T10:00:00Z')]);
    assert.equal((await victims(store, {})).length, 0);
    assert.equal((await intel(store, [ind('ip', '203.0.113.99')], 'late')).sightings, 2);
    assert.equal((await intel(store, [ind('ip', '192.0.3.6')], 'later')).retracted, 1);
    const v = await victims(store, {});
    assert.deepEqual(v.map((x) => [x.ip, x.country, x.asn]), [['192.0.3.5', 'US', 64500]], 'retro-matched victims are enriched too');
    await store.close();
  });

  test(`${name}: a warninglist over an indicator withdraws the sightings through it`, async () => {
    const store = await open();
    await intel(store, [ind('ip', '203.0.113.77'), ind('ip', '203.0.113.10')]);
    await ingest(store, [flow('198.51.101.9', '203.0.113.77', '2024-06-12T15:00:00Z'), flow('192.0.3.5', '203.0.113.10', '2024-06-12T15:00:00Z')]);
    assert.equal((await victims(store, {})).length, 2);
    await warninglist(store, [{ list: 'Known good', kind: 'cidr', value: '203.0.113.77/32', lo: ip('203.0.113.77'), hi: ip('203.0.113.77') }]);
    assert.deepEqual((await victims(store, {})).map((v) => v.ip), ['192.0.3.5']);
    await store.close();
  });
}
