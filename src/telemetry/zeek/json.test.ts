// Unit tests of Zeek JSON field access, log-type inference and JSON detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonFields, jsonLogName, lookup, looksLikeZeekJson } from './json.js';
import { logFromFields, logFromFileName } from './log-type.js';

test('lookup reads flat dotted keys, nested objects and a mix of both', () => {
  assert.equal(lookup({ 'id.orig_h': '10.0.0.1' }, 'id.orig_h'), '10.0.0.1');
  assert.equal(lookup({ id: { orig_h: '10.0.0.2' } }, 'id.orig_h'), '10.0.0.2');
  assert.equal(lookup({ remote_location: { 'country.code': 'CZ' } }, 'remote_location.country.code'), 'CZ');
  assert.equal(lookup({ id: { orig_h: null } }, 'id.orig_h'), undefined);
  assert.equal(lookup({ id: 'C1' }, 'id.orig_h'), undefined);
});

test('field view over JSON: scalars, booleans, arrays', () => {
  const f = jsonFields({ ts: 1.5, AA: true, answers: ['a', 1], query: 'x', n: null });
  assert.equal(f.value('ts'), 1.5);
  assert.equal(f.value('AA'), 'T');
  assert.deepEqual(f.list('answers'), ['a', '1']);
  assert.equal(f.value('answers'), 'a,1');
  assert.deepEqual(f.list('query'), ['x']);
  assert.equal(f.has('n'), false);
  assert.equal(f.list('missing'), undefined);
});

test('log name: _path first, then keys, then the file name', () => {
  const line = { _path: 'Weird', ts: 1, query: 'x', 'id.orig_h': '1.2.3.4' };
  assert.equal(jsonLogName(line, jsonFields(line), 'dns.log'), 'weird');
  const noPath = { ts: 1, query: 'x', 'id.orig_h': '1.2.3.4' };
  assert.equal(jsonLogName(noPath, jsonFields(noPath), 'conn.log'), 'dns');
  const bare = { ts: 1, note: 'x' };
  assert.equal(jsonLogName(bare, jsonFields(bare), 'site-notice.json.log'), 'notice');
});

test('log type from fields', () => {
  const has = (names: string[]) => (n: string) => names.includes(n);
  assert.equal(logFromFields(has(['id.orig_h', 'conn_state'])), 'conn');
  assert.equal(logFromFields(has(['id.orig_h', 'orig_bytes'])), 'conn');
  assert.equal(logFromFields(has(['id.orig_h', 'query'])), 'dns');
  assert.equal(logFromFields(has(['id.orig_h', 'server_name'])), 'ssl');
  assert.equal(logFromFields(has(['version', 'cipher'])), 'ssl');
  assert.equal(logFromFields(has(['host', 'uri'])), 'http');
  assert.equal(logFromFields(has(['host', 'host_p'])), undefined);
});

test('log type from file name', () => {
  assert.equal(logFromFileName('conn.log'), 'conn');
  assert.equal(logFromFileName('dns.00:00:00-01:00:00.log.gz'), 'dns');
  assert.equal(logFromFileName('brim-wrccdc2018-known_hosts.log'), 'known_hosts');
  assert.equal(logFromFileName('sensor1_http.json'), 'http');
  assert.equal(logFromFileName('capture.pcap.txt'), undefined);
});

test('JSON detection: Zeek yes, Suricata and GoFlow2 no', () => {
  assert.equal(looksLikeZeekJson({ _path: 'conn', ts: 1 }, 'x.json'), true);
  assert.equal(looksLikeZeekJson({ ts: 1, id: { orig_h: '1.2.3.4' } }, 'x.json'), true);
  assert.equal(looksLikeZeekJson({ ts: 1, note: 'Scan' }, 'notice.json.log'), true);
  assert.equal(looksLikeZeekJson({ ts: 1, note: 'Scan' }, 'events.json'), false);
  assert.equal(looksLikeZeekJson({ timestamp: 'x', event_type: 'dns', _path: 'dns' }, 'eve.json'), false);
  assert.equal(looksLikeZeekJson({ type: 'IPFIX', time_received_ns: 1, src_addr: '1.2.3.4' }, 'flows.json'), false);
});
