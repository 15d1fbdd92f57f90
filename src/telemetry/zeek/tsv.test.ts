// Unit tests of the Zeek TSV header state machine and row splitting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from '../../core/errors.js';
import { decodePrintable } from './escapes.js';
import { TsvHeader } from './tsv-header.js';
import { splitRow, tsvFields } from './tsv-row.js';

function headerOf(lines: string[]): TsvHeader {
  const h = new TsvHeader();
  for (const l of lines) h.read(l);
  return h;
}

test('reads separators, markers, path, fields and types from the header', () => {
  const h = headerOf([
    '#separator \\x7c',
    '#set_separator|;',
    '#empty_field|EMPTY',
    '#unset_field|NIL',
    '#path|DNS',
    '#open|2024-05-01-10-00-00',
    '#fields|ts|query|answers',
    '#types|time|string|vector[string]',
  ]);
  assert.equal(h.separator, '|');
  assert.equal(h.setSeparator, ';');
  assert.equal(h.emptyField, 'EMPTY');
  assert.equal(h.unsetField, 'NIL');
  assert.equal(h.path, 'dns');
  assert.deepEqual(h.fields, ['ts', 'query', 'answers']);
  assert.equal(h.isContainer('answers'), true);
  assert.equal(h.isContainer('query'), false);
});

test('a malformed header: indented #separator, space-separated names at the end', () => {
  const h = headerOf(['\t#separator \\x09', '#fields\tts\tid.orig_h   label   detailed-label', '#types\ttime\taddr string string']);
  assert.equal(h.separator, '\t');
  assert.deepEqual(h.fields, ['ts', 'id.orig_h', 'label', 'detailed-label']);
  assert.deepEqual(h.types, ['time', 'addr', 'string', 'string']);
  assert.equal(h.index.get('detailed-label'), 3);
});

test('a new #separator starts a new block with default markers', () => {
  const h = headerOf(['#separator \\x09', '#unset_field\tNIL', '#path\tconn', '#fields\tts', '#separator \\x09']);
  assert.equal(h.unsetField, '-');
  assert.equal(h.path, undefined);
  assert.deepEqual(h.fields, []);
});

test('splits the tail on runs of spaces when there are too few columns', () => {
  const h = headerOf(['#separator \\x09', '#fields\ta\tb\tc\td']);
  assert.deepEqual(splitRow('1\t2\t3\t4', h), ['1', '2', '3', '4']);
  assert.deepEqual(splitRow('1\t2\t3   4', h), ['1', '2', '3', '4']);
  assert.deepEqual(splitRow('1\t2   3   4', h), ['1', '2', '3', '4']);
  assert.deepEqual(splitRow('1\t2\t3 4\t5', h), ['1', '2', '3 4', '5'], 'enough columns: spaces inside values kept');
  assert.throws(
    () => splitRow('1\t2', h),
    (e: unknown) => e instanceof FieldError && e.field === 'c' && /2 columns/.test(e.message),
  );
  assert.throws(() => splitRow('1\t2\t3 4 5 6', h), (e: unknown) => e instanceof FieldError && e.field === 'c');
});

test('field view: unset and empty markers, sets split before unescaping', () => {
  const h = headerOf(['#separator \\x7c', '#set_separator|;', '#empty_field|EMPTY', '#unset_field|NIL', '#fields|a|b|c|d|e', '#types|string|string|set[string]|set[string]|string']);
  const f = tsvFields(splitRow('x\\x7cy|NIL|p;q\\x3br|EMPTY|-', h), h);
  assert.equal(f.value('a'), 'x|y');
  assert.equal(f.value('b'), undefined);
  assert.equal(f.has('b'), true);
  assert.equal(f.has('zz'), false);
  assert.deepEqual(f.list('c'), ['p', 'q;r']);
  assert.deepEqual(f.list('d'), []);
  assert.equal(f.value('d'), '');
  assert.equal(f.value('e'), '-', 'with a custom unset marker "-" is a value');
  assert.deepEqual(f.list('a'), ['x|y'], 'a string column is never split');
});

test('only printable escapes are decoded', () => {
  assert.equal(decodePrintable('a\\x2cb\\x00c\\x09'), 'a,b\\x00c\\x09');
  assert.equal(decodePrintable('plain'), 'plain');
});
