// printable: input quoted in messages is safe to print, and cut when long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, printableBytes } from './printable.js';

test('control characters, bidi overrides, invisible characters and the replacement character are escaped', () => {
  assert.equal(printable("field 'ema\0ils'"), "field 'ema\\x00ils'");
  assert.equal(printable('\x1b[2J\r\n\t\x7f\x85'), '\\x1b[2J\\x0d\\x0a\\x09\\x7f\\x85');
  assert.equal(printable('abc\u202egpj.exe\u200b\ufeff\ufffd'), 'abc\\u202egpj.exe\\u200b\\ufeff\\ufffd');
  assert.equal(printable('a\ud800b'), 'a\\ud800b', 'a lone surrogate');
  assert.equal(printable('bücher.example 😀 аррӏе'), 'bücher.example 😀 аррӏе', 'letters and emoji stay as they are');
});

test('long values are cut with an ellipsis, never inside a surrogate pair', () => {
  assert.equal(printable('x'.repeat(300)), 'x'.repeat(200) + '…');
  assert.equal(printable('x'.repeat(200)), 'x'.repeat(200));
  assert.equal(printable('x'.repeat(9) + '😀', 10), 'x'.repeat(9) + '…');
});

test('bytes: valid UTF-8 decoded, each byte of an invalid sequence as \\xNN', () => {
  assert.equal(printableBytes(Buffer.from([0x61, 0xff, 0xc3, 0xa4, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00])), 'a\\xffä\\xc3(\\xed\\xa0\\x80\\x00');
  assert.equal(printableBytes(Buffer.from('€'.repeat(5)), 3), '€€€…');
});
