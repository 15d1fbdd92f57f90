// Tests for the MISP warninglist reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../core/ip.js';
import { parseWarninglist } from './warninglist.js';

const wl = (type: string, list: string[]) => ({ name: 'Fixture list', type, list, description: 'd', version: 1 });

test('cidr lists: ranges, bare addresses as /32 and /128, a bad entry rejected with its position', () => {
  const r = parseWarninglist(wl('cidr', ['192.0.2.0/24', '198.51.100.7', '2001:db8::53', '2001:db8::/32', 'not-an-ip']));
  assert.deepEqual(r.warnings.map((w) => [w.kind, w.value]), [
    ['cidr', '192.0.2.0/24'], ['cidr', '198.51.100.7/32'], ['cidr', '2001:db8::53/128'], ['cidr', '2001:db8::/32'],
  ]);
  assert.equal(r.warnings[0]!.lo, parseIp('192.0.2.0'));
  assert.equal(r.warnings[0]!.hi, parseIp('192.0.2.255'));
  assert.equal(r.warnings[0]!.list, 'Fixture list');
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[5, 'list']]);
});

test('hostname lists give domains (leading dot and case dropped)', () => {
  const r = parseWarninglist(wl('hostname', ['.Example.ORG', 'ipinfo.example', 'localhost']));
  assert.deepEqual(r.warnings.map((w) => [w.kind, w.domain]), [['domain', 'example.org'], ['domain', 'ipinfo.example']]);
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine, s.reason]), [[3, 3, 'not a host name']]);
});

test('string lists are classified entry by entry; unusable runs are grouped', () => {
  const r = parseWarninglist(wl('string', ['8.8.8.8', 'dns.example', 'Mozilla/5.0', 'curl/8.0', 'x.example', 'https://a.example/']));
  assert.deepEqual(r.warnings.map((w) => [w.kind, w.value]), [['cidr', '8.8.8.8/32'], ['domain', 'dns.example'], ['domain', 'x.example']]);
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine]), [[3, 4], [6, 6]]);
});

test('regex and substring lists are reported whole; a non-list is refused', () => {
  const r = parseWarninglist(wl('regex', ['^a', '^b']));
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine]), [[1, 2]]);
  assert.match(r.skipped[0]!.reason, /regex/);
  assert.throws(() => parseWarninglist({ list: [] }), /not a MISP warninglist/);
  assert.throws(() => parseWarninglist(wl('fuzzy', [])), /unknown warninglist type/);
});
