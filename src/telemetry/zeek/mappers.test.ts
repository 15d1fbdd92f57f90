// Unit tests of the per-log mappers on hand-built field views.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from '../../core/errors.js';
import { jsonFields } from './json.js';
import { hostWithoutPort, mapConn, mapDns, mapSsl } from './mappers.js';

const conn = { ts: 1700000000, 'id.orig_h': '10.0.0.1', 'id.orig_p': 1, 'id.resp_h': '10.0.0.2', 'id.resp_p': 2, proto: 'TCP' };

test('host header without port', () => {
  assert.equal(hostWithoutPort('Example.COM:8080'), 'example.com');
  assert.equal(hostWithoutPort('example.com.'), 'example.com');
  assert.equal(hostWithoutPort('[2001:DB8::1]:443'), '2001:db8::1');
  assert.equal(hostWithoutPort('[2001:db8::1]'), '2001:db8::1');
  assert.equal(hostWithoutPort('2001:db8::1'), '2001:db8::1');
  assert.equal(hostWithoutPort('-'), undefined);
  assert.equal(hostWithoutPort(':80'), undefined);
});

test('conn: proto lower-cased, a negative duration is a field error', () => {
  assert.equal(mapConn(jsonFields(conn)).proto, 'tcp');
  assert.throws(() => mapConn(jsonFields({ ...conn, duration: -1 })), (e: unknown) => e instanceof FieldError && e.field === 'duration');
  assert.throws(() => mapConn(jsonFields({ ...conn, 'id.resp_h': undefined })), (e: unknown) => e instanceof FieldError && e.field === 'id.resp_h');
  assert.throws(() => mapConn(jsonFields({ ...conn, orig_bytes: 'many' })), (e: unknown) => e instanceof FieldError && e.field === 'orig_bytes');
});

test('dns: no query is no record; qtype falls back to the number', () => {
  assert.equal(mapDns(jsonFields({ ...conn, query: '' })), undefined);
  assert.equal(mapDns(jsonFields({ ...conn, query: 'A.example', qtype: 1 }))?.qtype, '1');
  assert.throws(() => mapDns(jsonFields({ ...conn, ts: 'x', query: 'a.example' })), (e: unknown) => e instanceof FieldError && e.field === 'ts');
});

test('ssl: fingerprints with colons, upper case, or of the wrong length', () => {
  const colons = Array.from({ length: 32 }, () => 'AB').join(':');
  assert.equal(mapSsl(jsonFields({ ...conn, cert_chain_fps: [colons] })).certSha256, 'ab'.repeat(32));
  const odd = mapSsl(jsonFields({ ...conn, cert_chain_fps: ['F1D4'] }));
  assert.deepEqual([odd.certSha256, odd.certSha1], [undefined, undefined]);
  assert.equal(mapSsl(jsonFields({ ...conn, cert_chain_fps: [] })).certSha256, undefined);
});
