// Tests for reading single indicator tokens, defanged or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from '../core/errors.js';
import { parseIp } from '../core/ip.js';
import { NotAnIndicator, parseIndicator, refang, certHash } from './normalize.js';

test('IPv4 and IPv6 addresses are ip with lo = hi = the address', () => {
  const v4 = parseIndicator('198.51.100.7');
  assert.deepEqual(v4, { type: 'ip', value: '198.51.100.7', lo: parseIp('198.51.100.7'), hi: parseIp('198.51.100.7') });
  const v6 = parseIndicator('2001:DB8:0:0:0:0:0:1');
  assert.equal(v6.type, 'ip');
  assert.equal(v6.value, '2001:db8::1');
  assert.equal(v6.lo, v6.hi);
});

test('CIDRs clear host bits and span the range', () => {
  const r = parseIndicator('192.0.2.77/24');
  assert.equal(r.type, 'cidr');
  assert.equal(r.value, '192.0.2.0/24');
  assert.equal(r.lo, parseIp('192.0.2.0'));
  assert.equal(r.hi, parseIp('192.0.2.255'));
  const v6 = parseIndicator('2001:db8::/32');
  assert.equal(v6.value, '2001:db8::/32');
  assert.equal(v6.hi, parseIp('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'));
});

test('ip:port and [v6]:port', () => {
  assert.deepEqual(parseIndicator('192.0.2.10:8443'), {
    type: 'ip-port', value: '192.0.2.10:8443', lo: parseIp('192.0.2.10'), hi: parseIp('192.0.2.10'), port: 8443,
  });
  const v6 = parseIndicator('[2001:db8::1]:443');
  assert.equal(v6.value, '[2001:db8::1]:443');
  assert.equal(v6.port, 443);
});

test('domains are lower-cased, lose the trailing dot and a leading wildcard', () => {
  assert.deepEqual(parseIndicator('C2.Example.COM.'), { type: 'domain', value: 'c2.example.com', domain: 'c2.example.com' });
  assert.equal(parseIndicator('*.cdn.example').value, 'cdn.example');
  assert.equal(parseIndicator('_dns.resolver.arpa').value, '_dns.resolver.arpa');
  assert.equal(parseIndicator('bücher.example').value, 'xn--bcher-kva.example');
  // real TLDs that are also file extensions stay domains
  assert.equal(parseIndicator('payload.zip').type, 'domain');
  assert.equal(parseIndicator('x.so').type, 'domain');
});

test('URLs: refanged, host yields the domain, IP hosts yield none', () => {
  const u = parseIndicator('hxxps://Evil-Login[.]example/wp/admin.php?id=1');
  assert.deepEqual(u, { type: 'url', value: 'https://evil-login.example/wp/admin.php?id=1', domain: 'evil-login.example' });
  assert.equal(parseIndicator('hxxp[://]203.0.113.5[:]8080/bins/x86').value, 'http://203.0.113.5:8080/bins/x86');
  assert.equal(parseIndicator('http://203.0.113.5/a').domain, undefined);
  assert.equal(parseIndicator('evil.example/gate.php').value, 'http://evil.example/gate.php');
  assert.equal(parseIndicator('evil.example', undefined, 'url').value, 'http://evil.example/');
});

test('hashes: SHA-256, SHA-1 and MD5, colons allowed, lower-case, read as file hashes until a source says certificate', () => {
  const sha256 = 'AB:CD:' + 'EF:01:'.repeat(15);
  assert.deepEqual(parseIndicator(sha256.slice(0, -1)), { type: 'file-sha256', value: 'abcd' + 'ef01'.repeat(15) });
  assert.deepEqual(parseIndicator('0123456789ABCDEF0123456789ABCDEF01234567'), { type: 'file-sha1', value: '0123456789abcdef0123456789abcdef01234567' });
  assert.deepEqual(parseIndicator('D41D8CD98F00B204E9800998ECF8427E'), { type: 'file-md5', value: 'd41d8cd98f00b204e9800998ecf8427e' });
  assert.deepEqual(certHash(sha256.slice(0, -1)), { type: 'cert-sha256', value: 'abcd' + 'ef01'.repeat(15) });
  assert.equal(certHash('d41d8cd98f00b204e9800998ecf8427e'), undefined);
});

test('refang undoes every documented defanging', () => {
  assert.equal(refang('hxxp://a[.]b(.)c{.}d[dot]e'), 'http://a.b.c.d.e');
  assert.equal(refang('hXXps[://]x[.]example[:]8443'), 'https://x.example:8443');
  assert.equal(parseIndicator('198[.]51[.]100[.]7').value, '198.51.100.7');
  assert.equal(parseIndicator('c2[dot]example').value, 'c2.example');
});

test('non-indicators throw NotAnIndicator with what they are', () => {
  const kind = (s: string) => {
    try {
      parseIndicator(s);
    } catch (err) {
      assert.ok(err instanceof NotAnIndicator, `${s} should not be an indicator`);
      return err.message;
    }
    assert.fail(`${s} parsed`);
  };
  assert.equal(kind('loader.exe'), 'file name');
  assert.equal(kind('bot.DLL'), 'file name');
  assert.equal(kind('Signatures'), 'not an indicator');
  assert.equal(kind('two words.example'), 'not an indicator');
});

test('broken indicators throw FieldError naming the field', () => {
  const bad = ['300.1.2.3', '1.2.3', '1.2.3.4/33', '10.0.0.1:0', '10.0.0.1:70000', 'a..example', '-bad.example', 'ftp://x.example/', 'host.example:8080', '2001:db8:::1'];
  for (const s of bad) {
    assert.throws(
      () => parseIndicator(s, 'IOC'),
      (err: unknown) => err instanceof FieldError && !(err instanceof NotAnIndicator) && err.field === 'IOC',
      s,
    );
  }
});
