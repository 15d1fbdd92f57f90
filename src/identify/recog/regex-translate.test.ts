// Ruby → JS regex translation: each Ruby construct Recog uses, checked by what the result matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateRubyRegex, type TranslateResult } from './regex-translate.js';

function rx(pattern: string, flags: string[] = []): RegExp {
  const t = translateRubyRegex(pattern, flags);
  assert.ok(t.ok, `expected ${pattern} to translate: ${(t as { reason?: string }).reason}`);
  return (t as Extract<TranslateResult, { ok: true }>).regex;
}

function reason(pattern: string, flags: string[] = []): string {
  const t = translateRubyRegex(pattern, flags);
  assert.equal(t.ok, false, `expected ${pattern} to be unsupported`);
  return (t as { reason: string }).reason;
}

test('REG_ICASE becomes the i flag; without it matching is case-sensitive', () => {
  assert.ok(rx('^acme$', ['REG_ICASE']).test('ACME'));
  assert.equal(rx('^acme$').test('ACME'), false);
  assert.equal(rx('^acme$', ['REG_ICASE']).flags, 'i');
});

test('a leading (?i), or one after ^, covers the whole pattern', () => {
  assert.ok(rx('(?i)laserjet (\\d+)').test('LaserJet 4250'));
  assert.ok(rx('^(?i)Cisco Phone$').test('CISCO PHONE'));
});

test('REG_DOT_NEWLINE, REG_MULTILINE and (?m) let the dot cross newlines; plain dot does not, but takes \\r', () => {
  for (const flags of [['REG_DOT_NEWLINE'], ['REG_MULTILINE'], ['REG_LINE_ANY_CRLF']]) assert.ok(rx('^a.b$', flags).test('a\nb'));
  assert.ok(rx('(?m)^a.b$').test('a\nb'));
  assert.ok(rx('(?m:a.b)').test('a\nb'));
  assert.equal(rx('^a.b$').test('a\nb'), false);
  // Ruby's dot excludes only \n; JS's plain dot would also refuse \r.
  assert.ok(rx('^a.b$').test('a\rb'));
});

test('^ and $ are line anchors in Ruby, and $ does not match before \\r', () => {
  assert.ok(rx('^login:$').test('Welcome\nlogin:\nmore'));
  assert.equal(rx('^ready$').test('ready\r\n'), false);
  assert.ok(rx('^ready\\r$').test('ready\r\n'));
});

test('\\A, \\z and \\Z anchor to the string, not the line', () => {
  const a = rx('\\Alogin:');
  assert.ok(a.test('login: x'));
  assert.equal(a.test('banner\nlogin:'), false);
  assert.ok(rx('x\\Z').test('x\n'));
  assert.equal(rx('x\\Z').test('x\n\n'), false);
  assert.ok(rx('x\\z').test('x'));
  assert.equal(rx('x\\z').test('x\n'), false);
});

test('\\h is a hex digit, \\s is ASCII whitespace only', () => {
  assert.ok(rx('^\\h+$').test('0fA9'));
  assert.equal(rx('^\\h+$').test('0g'), false);
  assert.ok(rx('^[\\h:]+$').test('aa:bb'));
  assert.equal(rx('^a\\sb$').test('a\u00a0b'), false);
  assert.ok(rx('^a\\sb$').test('a\tb'));
});

test('a case-insensitive group inside a case-sensitive pattern folds only its own letters', () => {
  const r = rx('^Max(?i:scale) ([a-c]+)$');
  assert.equal(r.flags, '');
  assert.ok(r.test('MaxSCALE abc'));
  assert.equal(r.test('MAXscale abc'), false);
  assert.equal(r.test('Maxscale ABC'), false);
  const cls = rx('^x(?i:[a-c]z)$');
  assert.ok(cls.test('xBZ'));
  assert.equal(cls.test('XBZ'), false);
});

test('(?i) in the middle applies to the rest of its group only', () => {
  const r = rx('^(ab(?i)cd)ef$');
  assert.ok(r.test('abCDef'));
  assert.equal(r.test('abCDEF'), false);
  assert.equal(r.test('ABcdef'), false);
});

test('named groups make plain groups non-capturing, as in Ruby', () => {
  const m = rx('^(a|b)-(?<ver>\\d+)$').exec('a-12');
  assert.equal(m?.[1], '12');
  assert.equal(m?.groups?.['ver'], '12');
  assert.equal(rx("^(?'v'\\d)$").exec('7')?.[1], '7');
});

test('possessive quantifiers on one character are rewritten; elsewhere they are unsupported', () => {
  const r = rx('^a*+b');
  assert.ok(r.test('aaab'));
  const noBacktrack = rx('^a++a');
  assert.equal(noBacktrack.test('aaa'), false, 'a possessive run never gives a character back');
  assert.match(reason('^(ab)*+c'), /possessive/);
  assert.match(reason('^a?+b'), /possessive/);
});

test('{,n} is Ruby for {0,n}; a brace that is no quantifier is literal', () => {
  assert.ok(rx('^a{,2}b$').test('aab'));
  assert.equal(rx('^a{,2}b$').test('aaab'), false);
  assert.ok(rx('^{x}$').test('{x}'));
});

test('escapes: \\x with one or two digits, octal, \\e, and escaped punctuation', () => {
  assert.ok(rx('^\\x4\\x41$').test('\x04A'));
  assert.ok(rx('^\\0\\012$').test('\0\n'));
  assert.ok(rx('^\\e\\-\\:\\/$').test('\x1b-:/'));
  assert.ok(rx('^[\\x00-\\x1f]$').test('\x07'));
});

test('a ] first in a class is literal, and POSIX brackets are expanded', () => {
  assert.ok(rx('^[]a]+$').test(']a'));
  assert.ok(rx('^[[:alpha:]]+[[:digit:]]$').test('abc1'));
  assert.match(reason('^[[:^alpha:]]$'), /POSIX/);
});

test('backreferences keep their numbers', () => {
  assert.ok(rx('^(\\w)x\\1$').test('axa'));
  assert.equal(rx('^(\\w)x\\1$').test('axb'), false);
});

test('constructs JS cannot express are reported with a reason', () => {
  assert.match(reason('^(?>ab)c'), /atomic/);
  assert.match(reason('^\\Gx'), /\\G has no JavaScript equivalent/);
  assert.match(reason('\\p{Alpha}'), /\\p/);
  assert.match(reason('(?x) a b'), /extended mode/);
  assert.match(reason('[a&&b]'), /intersection/);
  assert.match(reason('[a[b]]'), /nested character class/);
  assert.match(reason('(ab'), /unbalanced/);
  assert.match(reason('ab)'), /unbalanced/);
  assert.match(reason('*a'), /nothing to repeat/);
  assert.match(reason('a', ['REG_EXTENDED']), /unknown Recog flag REG_EXTENDED/);
});
