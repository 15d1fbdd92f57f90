// Tests for the MISP event importer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMispJson } from './misp.js';

const event = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/intel/event.misp.json', import.meta.url)), 'utf8')) as {
  Event: Record<string, unknown>;
};

test('event attributes and object attributes become indicators with tags, category, comment, window', () => {
  const r = parseMispJson(event);
  assert.deepEqual(r.indicators.map((i) => [i.line, i.type, i.value]), [
    [1, 'ip', '198.51.100.30'],
    [2, 'ip-port', '198.51.100.31:2323'],
    [3, 'domain', 'update.example'],
    [3, 'ip', '203.0.113.40'],
    [4, 'domain', 'proxy.example'],
    [5, 'file-md5', 'd41d8cd98f00b204e9800998ecf8427e'],
    [6, 'file-md5', '0cc175b9c0f1b6a831c399e269772661'],
    [8, 'cert-sha1', '0123456789abcdef0123456789abcdef01234567'],
  ]);
  const c2 = r.indicators[0]!;
  assert.deepEqual(c2.tags, ['tlp:amber', 'misp-galaxy:botnet="Fixture"']);
  assert.equal(c2.category, 'Network activity');
  assert.equal(c2.description, 'C2 server');
  assert.equal(c2.firstSeen, Date.UTC(2024, 0, 1));
  assert.equal(c2.lastSeen, Date.UTC(2024, 1, 1));
  assert.deepEqual(r.indicators[2]!.tags, ['tlp:amber', 'misp-galaxy:botnet="Fixture"', 'stage2']);
});

test('to_ids=false is kept as not for detection', () => {
  const r = parseMispJson(event);
  assert.deepEqual(r.indicators.filter((i) => !i.forDetection).map((i) => i.value), ['proxy.example']);
});

test('unsupported types are grouped with counts; a bad value is rejected with its index and field', () => {
  const r = parseMispJson(event);
  assert.deepEqual(r.skipped.map((s) => [s.fromLine, s.toLine, s.reason]), [
    [9, 9, "unsupported MISP attribute type 'text' (1)"],
  ]);
  assert.deepEqual(r.rejected.map((x) => [x.line, x.field]), [[7, 'value']]);
});

test('a list of events and a REST response of attributes are read too; deleted attributes are reported', () => {
  const list = parseMispJson([{ Event: { Attribute: [{ type: 'domain', value: 'a.example' }] } }, { Event: { Attribute: [{ type: 'url', value: 'b.example/x' }] } }]);
  assert.deepEqual(list.indicators.map((i) => [i.line, i.value]), [[1, 'a.example'], [2, 'http://b.example/x']]);
  const rest = parseMispJson({ response: { Attribute: [{ type: 'ip-dst', value: '192.0.2.0/28', to_ids: '0' }, { type: 'ip-src', value: '192.0.2.1', deleted: true }] } });
  assert.deepEqual(rest.indicators.map((i) => [i.type, i.value, i.forDetection]), [['cidr', '192.0.2.0/28', false]]);
  assert.deepEqual(rest.skipped.map((s) => s.reason), ['deleted attribute (1)']);
});

test('JSON that is no MISP event is refused', () => {
  assert.throws(() => parseMispJson({ type: 'bundle', objects: [] }), /not a MISP event/);
  assert.throws(() => parseMispJson('text'), /not a MISP event/);
});
