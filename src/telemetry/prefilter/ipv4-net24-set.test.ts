import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ipv4Net24Set } from './ipv4-net24-set.js';

const ip = (s: string) => s.split('.').reduce((n, p) => n * 256 + Number(p), 0);

test('a range sets exactly the /24s it overlaps, at any width and alignment', () => {
  const cases: [string, string, number][] = [
    ['192.0.2.7', '192.0.2.7', 1], // one address
    ['198.51.100.64', '198.51.100.127', 1], // a /26
    ['10.0.255.200', '10.1.0.3', 2], // two /24s across a /16 boundary
    ['172.16.0.0', '172.31.255.255', 16 * 256], // a /12: whole bytes of the bitmap
    ['20.3.5.0', '20.7.1.255', (ip('20.7.1.0') - ip('20.3.5.0')) / 256 + 1], // unaligned at both ends
    ['0.0.0.0', '0.0.6.255', 7], // fewer than 8 /24s from the start
    ['255.255.250.0', '255.255.255.255', 6], // the end of the space
  ];
  for (const [lo, hi, n] of cases) {
    const set = new Ipv4Net24Set();
    set.addRange(ip(lo), ip(hi));
    assert.equal(set.size(), n, `${lo}-${hi}`);
    assert.ok(set.has(ip(lo)) && set.has(ip(hi)), `${lo}-${hi}: both ends`);
    // The /24s just outside are not in it (where they exist).
    if (ip(lo) >= 256) assert.ok(!set.has(ip(lo) - 256), `${lo}-${hi}: below`);
    if (ip(hi) < 2 ** 32 - 256) assert.ok(!set.has(ip(hi) + 256), `${lo}-${hi}: above`);
  }
});

test('the whole space, and ranges added together', () => {
  const all = new Ipv4Net24Set();
  all.addRange(0, 2 ** 32 - 1);
  assert.equal(all.size(), 2 ** 24);
  const set = new Ipv4Net24Set();
  set.addRange(ip('192.0.2.1'), ip('192.0.2.1'));
  set.addRange(ip('192.0.2.200'), ip('192.0.3.0'));
  assert.equal(set.size(), 2);
  assert.ok(set.has(ip('192.0.3.255')) && !set.has(ip('192.0.4.0')) && !set.has(ip('192.0.1.255')));
  // Shared with worker threads: a second view of the same buffer sees the same set.
  assert.ok(new Ipv4Net24Set(set.buffer).has(ip('192.0.2.99')));
});

test('runs gives the set as its runs of consecutive /24s, word boundaries and the ends of the space included', () => {
  const set = new Ipv4Net24Set();
  const ranges: [string, string][] = [
    ['0.0.0.0', '0.0.0.255'], // the very first /24
    ['10.0.31.0', '10.0.32.255'], // across a 32-bit word of the bitmap
    ['10.0.34.0', '10.0.34.0'], // one /24, a gap of one before it
    ['172.16.0.0', '172.31.255.255'], // whole words
    ['255.255.255.0', '255.255.255.255'], // the very last /24
  ];
  for (const [lo, hi] of ranges) set.addRange(ip(lo), ip(hi));
  const key = (a: string) => ip(a) >>> 8;
  assert.deepEqual(
    set.runs(),
    ranges.map(([lo, hi]) => [key(lo), key(hi)]),
  );
  // Adjacent ranges make one run; an empty set none.
  const joined = new Ipv4Net24Set();
  joined.addRange(ip('192.0.2.0'), ip('192.0.2.255'));
  joined.addRange(ip('192.0.3.0'), ip('192.0.3.10'));
  assert.deepEqual(joined.runs(), [[key('192.0.2.0'), key('192.0.3.0')]]);
  assert.deepEqual(new Ipv4Net24Set().runs(), []);
  // Every run's /24s, and nothing else, are in the set.
  assert.equal(set.runs().reduce((n, [a, b]) => n + b - a + 1, 0), set.size());
});
