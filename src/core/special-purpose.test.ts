import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from './ip.js';
import { SPECIAL_PURPOSE_BLOCKS, SPECIAL_PURPOSE_RANGES, specialPurpose } from './special-purpose.js';

const label = (s: string) => specialPurpose(parseIp(s)!)?.label;

test('each special-purpose block is a network with its RFC', () => {
  assert.equal(SPECIAL_PURPOSE_RANGES.length, SPECIAL_PURPOSE_BLOCKS.length);
  for (const b of SPECIAL_PURPOSE_BLOCKS) assert.match(b.rfc, /^RFC \d+/, b.cidr);
});

test('private, shared, documentation, link-local and multicast addresses are special; routed ones are not', () => {
  assert.equal(label('192.168.1.195'), 'Private-Use (RFC 1918)');
  assert.equal(label('10.1.2.3'), 'Private-Use (RFC 1918)');
  assert.equal(label('172.31.255.255'), 'Private-Use (RFC 1918)');
  assert.equal(label('172.32.0.0'), undefined);
  assert.equal(label('100.64.0.1'), 'Shared Address Space (carrier-grade NAT) (RFC 6598)');
  assert.equal(label('100.128.0.0'), undefined);
  assert.equal(label('198.19.255.255'), 'Benchmarking (RFC 2544)');
  assert.equal(label('203.0.113.10'), 'Documentation (TEST-NET-3) (RFC 5737)');
  assert.equal(label('239.255.255.250'), 'Multicast (RFC 5771)');
  assert.equal(label('255.255.255.255'), 'Reserved (and limited broadcast) (RFC 1112, RFC 919)');
  assert.equal(label('8.8.8.8'), undefined);
  assert.equal(label('::ffff:192.168.0.1'), 'Private-Use (RFC 1918)', 'an IPv4-mapped address is its IPv4 address');
  assert.equal(label('fe80::1'), 'Link-Local Unicast (RFC 4291)');
  assert.equal(label('fd12:3456::1'), 'Unique-Local (RFC 4193)');
  assert.equal(label('2001:db8::5'), 'Documentation (RFC 3849)');
  assert.equal(label('::1'), 'Loopback Address (RFC 4291)');
  assert.equal(label('2a00:1450::1'), undefined);
  assert.equal(label('2001:db9::1'), undefined);
});
