import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../core/ip.js';
import { Ipv6Net48Set } from './ipv6-net48-set.js';
import { NearNets } from './near-nets.js';

const ip = (s: string) => parseIp(s)!;

function set(...runs: [number, number][]): Ipv6Net48Set {
  const s = new Ipv6Net48Set();
  for (const [lo, hi] of runs) s.addRange(lo, hi);
  return s;
}

test('the /48 runs merge when they overlap or touch, and answer at both ends of each run', () => {
  const s = set([10, 20], [30, 40], [21, 25], [35, 50], [2 ** 48 - 2, 2 ** 48 - 1], [0, 0]);
  assert.deepEqual(s.runs(), [[0, 0], [10, 25], [30, 50], [2 ** 48 - 2, 2 ** 48 - 1]]);
  for (const k of [0, 10, 25, 30, 50, 2 ** 48 - 2, 2 ** 48 - 1]) assert.ok(s.has(k), `${k} in`);
  for (const k of [1, 9, 26, 29, 51, 2 ** 48 - 3]) assert.ok(!s.has(k), `${k} out`);
  assert.deepEqual([...s.packed()], [0n, 0n, 10n, 25n, 30n, 50n, 2n ** 48n - 2n, 2n ** 48n - 1n]);
  assert.ok(new Ipv6Net48Set().isEmpty() && !s.isEmpty());
});

test('removing /48 runs cuts them out at any overlap, and adding puts them back', () => {
  const s = set([10, 50], [60, 70], [100, 100]);
  s.remove(set([5, 12], [20, 30], [49, 65], [100, 100], [200, 300]));
  assert.deepEqual(s.runs(), [[13, 19], [31, 48], [66, 70]]);
  s.add(set([0, 12]));
  assert.deepEqual(s.runs(), [[0, 19], [31, 48], [66, 70]]);
  s.remove(set([0, 1000]));
  assert.ok(s.isEmpty());
});

test('an address range counts its IPv4-mapped part as /24s and the rest as /48s', () => {
  const n = new NearNets();
  n.addAddressRange(ip('2001:db8:aa::1'), ip('2001:db8:aa::1'));
  n.addAddressRange(ip('203.0.113.10'), ip('203.0.113.10'));
  assert.ok(n.near(ip('2001:db8:aa:ffff::1')) && !n.near(ip('2001:db8:ab::')));
  assert.ok(n.near(ip('203.0.113.255')) && !n.near(ip('203.0.114.0')));
  // An IPv4 indicator puts nothing in ::/48 (where the IPv4-mapped space is).
  assert.ok(!n.near(ip('::1')) && !n.near(ip('::203.0.113.10')));
  assert.ok(n.near(ip('::ffff:cb00:7101')), 'IPv4-mapped text is IPv4');

  // A range across the IPv4-mapped space: all of IPv4, and the /48s on either side.
  const wide = new NearNets();
  wide.addAddressRange(ip('::fffe:0:0'), ip('::1:0:0:0'));
  assert.ok(wide.near(ip('0.0.0.0')) && wide.near(ip('255.255.255.255')) && wide.near(ip('::1')));
  assert.ok(!wide.near(ip('0:0:1::')));
  const v6Only = new NearNets();
  v6Only.addAddressRange(ip('2001:db8::'), ip('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'));
  assert.ok(v6Only.v4.isEmpty());
  assert.deepEqual(v6Only.v6.runs(), [[0x20010db80000, 0x20010db8ffff]]);
});
