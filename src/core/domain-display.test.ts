// Internationalised domain names shown in both forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayDomain, displayIndicator, domainForms } from './domain-display.js';

test('punycode gets its Unicode form beside it, Unicode its punycode; plain names stay as they are', () => {
  assert.equal(displayDomain('xn--80ak6aa92e.example'), 'xn--80ak6aa92e.example (аррӏе.example)');
  assert.equal(displayDomain('аррӏе.example'), 'аррӏе.example (xn--80ak6aa92e.example)');
  assert.equal(displayDomain('c2.example'), 'c2.example');
  assert.equal(displayDomain('xn--zz.example'), 'xn--zz.example', 'a label that is not valid punycode has no other form');
  assert.deepEqual(domainForms('Bücher.example'), { ascii: 'xn--bcher-kva.example', unicode: 'bücher.example' });
});

test('indicators by type: domains and URL hosts both ways, addresses and hashes unchanged', () => {
  assert.equal(displayIndicator('domain', 'xn--bcher-kva.example'), 'xn--bcher-kva.example (bücher.example)');
  assert.equal(displayIndicator('url', 'http://xn--bcher-kva.example:8080/a?b'), 'http://xn--bcher-kva.example:8080/a?b (bücher.example)');
  assert.equal(displayIndicator('url', 'http://user@c2.example/x'), 'http://user@c2.example/x');
  assert.equal(displayIndicator('ip', '203.0.113.7'), '203.0.113.7');
  assert.equal(displayIndicator(undefined, '2001:db8::1'), '2001:db8::1');
  assert.equal(displayIndicator(undefined, 'xn--bcher-kva.example'), 'xn--bcher-kva.example (bücher.example)');
});
