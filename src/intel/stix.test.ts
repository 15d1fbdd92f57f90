// Tests for the STIX importer, its pattern parser and the deterministic bundle writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseStixBundle, toStixBundle } from './stix.js';
import { parsePattern } from './stix-pattern.js';
import { parseTextList } from './text-list.js';

const fixture = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8')) as unknown;
const bundle = (...patterns: string[]) => ({
  type: 'bundle',
  objects: patterns.map((pattern) => ({ type: 'indicator', spec_version: '2.1', pattern, pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' })),
});
const values = (patterns: string[]) => parseStixBundle(bundle(...patterns)).indicators.map((i) => `${i.type} ${i.value}`);

test('fixture bundle: OR parts become indicators, unsupported parts are sections on their object index', () => {
  const r = parseStixBundle(fixture('bundle.stix.json'));
  assert.deepEqual(r.indicators.map((i) => [i.line, i.type, i.value]), [
    [2, 'ip', '198.51.100.20'],
    [2, 'domain', 'relay.example'],
    [2, 'file-md5', 'd41d8cd98f00b204e9800998ecf8427e'],
    [3, 'ip-port', '[2001:db8::20]:8443'],
    [4, 'cert-sha256', '0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526272829'],
  ]);
  const first = r.indicators[0]!;
  assert.equal(first.category, 'malicious-activity');
  assert.deepEqual(first.tags, ['tlp:green', 'c2']);
  assert.equal(first.description, 'Botnet C2: Proxy tier of the fixture botnet');
  assert.equal(first.firstSeen, Date.UTC(2024, 0, 1));
  assert.equal(first.lastSeen, Date.UTC(2024, 5, 30, 23, 59, 59));
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.reason]), [
    [4, "unsupported STIX pattern part: domain-name:value MATCHES '^cdn[0-9]+\\\\.example$'"],
    [5, 'pattern_type yara not supported'],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[6, 'ipv4-addr:value']]);
});

test('every quoting of the x509 hash names', () => {
  const h = 'ab'.repeat(32);
  const s1 = 'cd'.repeat(20);
  assert.deepEqual(
    values([
      `[x509-certificate:hashes.'SHA-256' = '${h}']`,
      `[x509-certificate:hashes."SHA-256" = '${h}']`,
      `[x509-certificate:hashes.SHA256 = '${h}']`,
      `[x509-certificate:hashes.sha256 = '${h}']`,
      `[x509-certificate:hashes.'SHA-1' = '${s1}']`,
      `[x509-certificate:hashes.SHA1 = '${s1}']`,
    ]),
    [...Array(4).fill(`cert-sha256 ${h}`), ...Array(2).fill(`cert-sha1 ${s1}`)],
  );
});

test('addresses, CIDRs, IN, ISSUBSET, OR inside one observation, and ip+port with IN', () => {
  assert.deepEqual(
    values([
      "[ipv4-addr:value = '198.51.100.0/24' OR ipv6-addr:value = '2001:db8::7']",
      "[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]",
      "[ipv4-addr:value ISSUBSET '203.0.113.0/25']",
      "[url:value = 'http://relay.example/bin.sh']",
      "[network-traffic:dst_ref.value = '192.0.2.9' AND network-traffic:dst_port IN (23, 2323)]",
    ]),
    [
      'cidr 198.51.100.0/24', 'ip 2001:db8::7', 'ip 192.0.2.1', 'ip 192.0.2.2', 'cidr 203.0.113.0/25',
      'url http://relay.example/bin.sh', 'ip-port 192.0.2.9:23', 'ip-port 192.0.2.9:2323',
    ],
  );
});

test('AND beyond ip+port, NOT, FOLLOWEDBY, WITHIN are skipped and named; START/STOP narrows the window', () => {
  const r = parseStixBundle(
    bundle(
      "[ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'x.example']",
      "[ipv4-addr:value != '192.0.2.2']",
      "[domain-name:value = 'a.example'] FOLLOWEDBY [domain-name:value = 'b.example']",
      "[domain-name:value = 'c.example'] WITHIN 300 SECONDS",
      "[process:name = 'busybox'] OR [domain-name:value = 'd.example'] START t'2024-02-01T00:00:00Z' STOP t'2024-03-01T00:00:00Z'",
    ),
  );
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.reason]), [
    [1, "unsupported STIX pattern part: ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'x.example'"],
    [2, "unsupported STIX pattern part: ipv4-addr:value != '192.0.2.2'"],
    [3, 'unsupported STIX pattern part: observations joined by FOLLOWEDBY'],
    [4, 'unsupported STIX pattern part: qualifier WITHIN 300 SECONDS'],
    [5, "unsupported STIX pattern part: process:name = 'busybox'"],
  ]);
  assert.deepEqual(r.indicators.map((i) => [i.line, i.value, i.firstSeen, i.lastSeen]), [
    [5, 'd.example', Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)],
  ]);
});

test('malformed patterns and bundles are rejected or refused', () => {
  const r = parseStixBundle(bundle("[ipv4-addr:value = '192.0.2.1'", 'not a pattern'));
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[1, 'pattern'], [2, 'pattern']]);
  assert.throws(() => parseStixBundle({ type: 'bundle' }), /no "objects" array/);
  assert.throws(() => parsePattern("[url:value = 'unterminated]"), /unexpected character/);
});

test('toStixBundle is deterministic and reads back unchanged (through STIX and through CSV)', () => {
  const src = parseTextList(
    [
      'value,type,tags,category,first_seen,last_seen,description,for_detection',
      "198.51.100.5,ip,tier 2;proxy,c2,2024-01-01T00:00:00Z,2024-02-01T12:00:00.250Z,it's the relay,",
      '[2001:db8::9]:8443,ip-port,,,,,,false',
      '2001:db8::/48,cidr,,,,,,',
      "https://x.example/a'b\\c,url,,,,,,",
      'x.example,domain,,,2024-01-01T00:00:00Z,,,',
      `${'ef'.repeat(32)},cert-sha256,,,,,,`,
      `${'12'.repeat(20)},cert-sha1,,,,,,`,
    ].join('\n'),
  ).indicators;
  assert.equal(src.length, 7);
  const a = toStixBundle(src);
  const b = toStixBundle(src);
  assert.deepEqual(a, b);
  const ids = (a as { objects: { id: string }[] }).objects.map((o) => o.id);
  for (const id of ids) assert.match(id, /^indicator--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, 7);
  const back = parseStixBundle(JSON.parse(JSON.stringify(a)));
  assert.deepEqual(back.skipped, []);
  assert.deepEqual(back.rejected, []);
  const strip = (list: typeof src) => list.map(({ line: _line, ...rest }) => rest);
  assert.deepEqual(strip(back.indicators), strip(src));
});
