import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BotcensusError } from '../core/errors.js';
import { compileExtractors } from './extractors.js';
import { PrefixLimiter } from './limiter.js';
import { LIMIT_DEFAULTS } from './config.js';
import { prefixOf } from './prefix.js';

describe('bot-id extractors', () => {
  const x = compileExtractors(['header:X-Bot-Id', 'query:uid', 'path:^/b/([0-9a-f]{8})/', 'payload:\\x00ID([A-Z0-9]{6})', 'qname:^([a-z0-9]{10})\\.']);
  it('take the first extractor that finds a value', () => {
    assert.equal(x({ headers: { 'x-bot-id': 'H1' }, query: 'uid=Q1' }), 'H1');
    assert.equal(x({ headers: {}, query: 'a=1&uid=Q%201' }), 'Q 1');
    assert.equal(x({ path: '/b/00c0ffee/ping' }), '00c0ffee');
    assert.equal(x({ payload: Buffer.from('\x01\x00IDAB12CD\x00', 'latin1') }), 'AB12CD');
    assert.equal(x({ qname: 'k3j4h5g6f7.c2.example' }), 'k3j4h5g6f7');
    assert.equal(x({ path: '/other', query: 'x=1', qname: 'www.c2.example' }), undefined);
  });
  it('cut long ids to 128 characters', () => {
    assert.equal(compileExtractors(['query:id'])({ query: `id=${'a'.repeat(500)}` })!.length, 128);
  });
  it('reject a spec without WHERE:WHAT, an unknown place or a bad pattern with a usage error', () => {
    for (const spec of ['query', 'cookie:x', 'path:(']) assert.throws(() => compileExtractors([spec]), (e: unknown) => e instanceof BotcensusError && e.code === 'USAGE', spec);
  });
});

describe('source prefixes and the limiter', () => {
  it('group addresses by prefix', () => {
    assert.equal(prefixOf('198.51.100.77', { v4: 24, v6: 56 }), '198.51.100.0/24');
    assert.equal(prefixOf('::ffff:203.0.113.9', { v4: 16, v6: 56 }), '203.0.0.0/16');
    assert.equal(prefixOf('2001:db8:abcd:12ff::1', { v4: 24, v6: 56 }), '2001:db8:abcd:1200:0:0:0:0/56');
    assert.equal(prefixOf('127.0.0.3', { v4: 32, v6: 128 }), '127.0.0.3');
  });
  it('keep a bounded number of prefixes: past the bound new ones share one bucket and still get limited', () => {
    const l = new PrefixLimiter({ ...LIMIT_DEFAULTS, ratePerSecond: 1, burst: 2, maxPrefixes: 10, maxShedPrefixes: 3 });
    const now = 1_000_000;
    let taken = 0;
    for (let i = 0; i < 1000; i++) if (l.take(`10.0.${i >> 8}.${i & 255}`, now)) taken++;
    assert.ok(l.tracked <= 11);
    assert.equal(taken, 10 + 2); // one token each for the first ten, then the shared bucket's two
    assert.ok(l.shedByPrefix.size <= 4);
    assert.equal([...l.shedByPrefix.values()].reduce((a, b) => a + b, 0), 1000 - taken);
  });
  it('refill tokens over time', () => {
    const l = new PrefixLimiter({ ...LIMIT_DEFAULTS, ratePerSecond: 10, burst: 1 });
    assert.equal(l.take('a', 0), true);
    assert.equal(l.take('a', 50), false);
    assert.equal(l.take('a', 100), true);
  });
});
