import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCidr, formatIp, isV4, parseCidr, parseIp } from './ip.js';

test('IPv4 is stored IPv4-mapped and formats back', () => {
  const n = parseIp('192.0.2.1')!;
  assert.equal(n, 0xffffc0000201n);
  assert.ok(isV4(n));
  assert.equal(formatIp(n), '192.0.2.1');
});

test('IPv6 forms normalise to RFC 5952 text', () => {
  for (const [input, canon] of [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::', '2001:db8::'],
    ['::1', '::1'],
    ['[2001:db8::5]', '2001:db8::5'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:db8::192.0.2.1', '2001:db8::c000:201'],
  ]) {
    const n = parseIp(input!);
    assert.notEqual(n, null, input);
    assert.equal(formatIp(n!), canon, input);
    assert.ok(!isV4(n!));
  }
});

test('bad addresses are null', () => {
  for (const s of ['', '1.2.3', '256.1.1.1', 'example.com', '2001:db8:::1', '1.2.3.4.5']) assert.equal(parseIp(s), null, s);
});

test('CIDR ranges clear host bits and cover the block', () => {
  const r = parseCidr('198.51.100.77/24')!;
  assert.equal(formatIp(r.lo), '198.51.100.0');
  assert.equal(formatIp(r.hi), '198.51.100.255');
  assert.equal(r.prefix128, 120);
  assert.equal(formatCidr(r), '198.51.100.0/24');
  const v6 = parseCidr('2001:db8:1::/48')!;
  assert.equal(formatIp(v6.hi), '2001:db8:1:ffff:ffff:ffff:ffff:ffff');
  assert.equal(parseCidr('10.0.0.0/33'), null);
  assert.equal(parseCidr('10.0.0.0/x'), null);
  assert.equal(parseCidr('192.0.2.9')!.lo, parseCidr('192.0.2.9')!.hi);
});
