// Device identities across IP churn, and the shared-default rule that keeps vendor default
// certificates and baked-in host keys from merging unrelated devices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import { identityKeys, mergeIdentities } from './identity.js';
import type { ServiceObservation } from '../core/model/service.js';

const H = 3_600_000;
const D = 24 * H;
const ip = (s: string) => parseIp(s)!;
function o(addr: string, ts: number, keys: { ssh?: string; cert?: string; id?: string }): ServiceObservation {
  return { ts, ip: ip(addr), protocol: 'x', source: 't', banners: {}, sshHostKeySha256: keys.ssh, certSha256: keys.cert, deviceIdHint: keys.id };
}
const K1 = '11'.repeat(32);
const K2 = '22'.repeat(32);
const SHARED = 'ee'.repeat(32);
const C1 = 'c1'.repeat(32);

test('identity keys are typed and lower-cased', () => {
  assert.deepEqual(identityKeys(o('192.0.2.1', 0, { ssh: K1.toUpperCase(), cert: C1, id: 'SN:ABC' })), ['ssh:' + K1, 'cert:' + C1, 'id:sn:abc']);
  assert.deepEqual(identityKeys(o('192.0.2.1', 0, { id: '  ' })), []);
});

test('one host key moving across addresses over days is one device', () => {
  const r = mergeIdentities([o('192.0.2.1', 0, { ssh: K1 }), o('192.0.2.2', 2 * D, { ssh: K1 }), o('192.0.2.3', 5 * D, { ssh: K1 }), o('192.0.2.3', 5 * D + 60_000, { ssh: K1 })]);
  assert.equal(r.devices.length, 1);
  assert.deepEqual(r.devices[0]!.ips, [ip('192.0.2.1'), ip('192.0.2.2'), ip('192.0.2.3')]);
  assert.deepEqual([r.devices[0]!.firstSeen, r.devices[0]!.lastSeen, r.devices[0]!.observations], [0, 5 * D + 60_000, 4]);
  assert.deepEqual([r.addressesCollapsed, r.addressesWithIdentity, r.addressesWithoutIdentity], [2, 3, 0]);
  assert.deepEqual(r.shared, []);
});

test('a certificate on three addresses within the hour is a shared default, not an identity', () => {
  const r = mergeIdentities([
    o('198.51.100.1', 0, { cert: SHARED }),
    o('198.51.100.2', 10 * 60_000, { cert: SHARED }),
    o('198.51.100.3', 50 * 60_000, { cert: SHARED }),
    o('198.51.100.4', 3 * D, { cert: SHARED }),
  ]);
  assert.deepEqual(r.shared, [{ key: 'cert:' + SHARED, kind: 'tls-cert', ips: 4, maxSimultaneousIps: 3 }]);
  assert.deepEqual(r.devices, []);
  assert.deepEqual([r.addressesCollapsed, r.addressesWithoutIdentity], [0, 4]);
});

test('the same three addresses spread beyond the window are churn and merge', () => {
  const r = mergeIdentities([o('198.51.100.1', 0, { cert: C1 }), o('198.51.100.2', 2 * H, { cert: C1 }), o('198.51.100.3', 4 * H, { cert: C1 })]);
  assert.deepEqual(r.shared, []);
  assert.equal(r.devices[0]!.ips.length, 3);
});

test('two addresses at once (IPv4 and IPv6 of one box) stay one device unless the threshold says otherwise', () => {
  const seen = [o('192.0.2.9', 0, { ssh: K2 }), o('2001:db8::9', 60_000, { ssh: K2 })];
  assert.deepEqual(mergeIdentities(seen).devices.map((d) => d.ips.length), [2]);
  const strict = mergeIdentities(seen, { sharedMinIps: 2 });
  assert.equal(strict.shared[0]!.maxSimultaneousIps, 2);
  assert.deepEqual(strict.devices, []);
});

test('keys seen together on one address link, so a later address with either key joins the device', () => {
  const r = mergeIdentities([
    o('203.0.113.1', 0, { ssh: K1 }),
    o('203.0.113.1', 20 * 60_000, { cert: C1 }),
    o('203.0.113.2', 3 * D, { cert: C1 }),
    o('203.0.113.3', 4 * D, { ssh: K1, cert: SHARED }),
    o('203.0.113.4', 4 * D, { cert: SHARED }),
    o('203.0.113.5', 4 * D, { cert: SHARED }),
  ]);
  assert.deepEqual(r.devices.map((d) => [d.keys, d.ips.length]), [[['cert:' + C1, 'ssh:' + K1], 3]]);
  assert.equal(r.shared[0]!.key, 'cert:' + SHARED, 'the shared cert does not pull .4 and .5 in');
  assert.deepEqual([r.addressesCollapsed, r.addressesWithIdentity, r.addressesWithoutIdentity], [2, 3, 2]);
});

test('sightings on one address far apart in time are not linked (the address may have a new owner)', () => {
  const r = mergeIdentities([o('203.0.113.9', 0, { ssh: K1 }), o('203.0.113.9', 3 * D, { ssh: K2 })]);
  assert.equal(r.devices.length, 2);
  assert.equal(r.addressesCollapsed, 0);
});

test('serial numbers and Shadowserver device ids identify devices too', () => {
  const r = mergeIdentities([o('192.0.2.30', 0, { id: 'sn:4F02A9BPAZ12345' }), o('192.0.2.31', 7 * D, { id: 'SN:4F02A9BPAZ12345' }), o('192.0.2.32', 0, {})]);
  assert.deepEqual(r.devices.map((d) => [d.id, d.ips.length]), [['id:sn:4f02a9bpaz12345', 2]]);
  assert.equal(r.addressesWithoutIdentity, 1);
});
