// LineRecords, the per-line isolation every line-based reader shares: a thrown line is counted and
// kept as an example, a BotcensusError fails the file, and a record spanning lines (a quoted CSV
// cell with line breaks) is numbered by its first line, or read line by line when it never closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BotcensusError, FieldError } from './errors.js';
import { MAX_RECORD_LINES, OPEN_RECORD, readTextRecords, type RecordLineParser } from './line-records.js';

interface Row {
  line?: number;
  text: string;
}

const LIMITS = { maxLineBytes: 40, maxFields: 8 };

/** Rows of text; one holding "bad" rejected with field "f"; a record starting with a quote runs to one ending with it. */
const rows: RecordLineParser<Row> = {
  parse(line) {
    if (line.startsWith('#')) return undefined;
    if (line.startsWith('"') && !(line.length > 1 && line.endsWith('"'))) return OPEN_RECORD;
    if (line.includes('bad')) throw new FieldError('f', `bad row: ${line}`);
    if (line.startsWith('stop')) throw new BotcensusError('BAD_INPUT', 'not this format');
    return { text: line };
  },
  unclosed: (line) => ({ text: `unclosed ${line}` }),
};

const read = (text: string, maxExamples?: number) => readTextRecords(text, rows, { limits: LIMITS, maxExamples });

test('every line is a record, framing or rejected with its line, field and bytes; reading goes on', () => {
  const { records, summary } = read(`# head\none\n\nbad one\n${'x'.repeat(41)}\n${'a,'.repeat(9)}\ntwo\r\nbad \xff\n`);
  assert.deepEqual(records, [{ text: 'one', line: 2 }, { text: 'two', line: 7 }]);
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [8, 2, 2, 4]);
  assert.deepEqual(summary.examples.map((e) => [e.line, e.field, e.reason]), [
    [4, 'f', 'bad row: bad one'],
    [5, undefined, 'line longer than 40 bytes (41 bytes; BOTCENSUS_MAX_LINE_BYTES): rejected'],
    [6, undefined, 'more than 8 fields (10; BOTCENSUS_MAX_FIELDS): rejected'],
    [8, 'f', 'bad row: bad ÿ'],
  ]);
  assert.deepEqual(summary.examples.map((e) => e.raw), ['bad one', 'x'.repeat(41), 'a,'.repeat(9), 'bad ÿ']);
  assert.equal(read('bad 1\nbad 2\nbad 3\n', 2).summary.examples.length, 2, 'examples are bounded, the count is not');
  assert.equal(read('bad 1\nbad 2\nbad 3\n', 2).summary.rejected, 3);
});

test('a BotcensusError from the parser fails the whole file', () => {
  assert.throws(() => read('one\nstop\ntwo\n'), (e: unknown) => e instanceof BotcensusError && e.message === 'not this format');
});

test('a record spanning lines is read whole, numbered by its first line, its further lines framing', () => {
  const { records, summary } = read('one\n"a\nb\n\nc"\ntwo\n');
  assert.deepEqual(records, [{ text: 'one', line: 1 }, { text: '"a\nb\n\nc"', line: 2 }, { text: 'two', line: 6 }]);
  assert.deepEqual([summary.lines, summary.records, summary.framing, summary.rejected], [6, 3, 3, 0]);
  const bad = read('"bad\nrow"\nok\n').summary;
  assert.deepEqual([bad.rejected, bad.examples[0]!.line, bad.examples[0]!.raw, bad.framing], [1, 1, '"bad\\x0arow"', 1]);
});

test('a record that never closes: its first line read alone, the others read again one by one', () => {
  // At the end of input.
  let r = read('"a\nb\nbad c\n');
  assert.deepEqual(r.records, [{ text: 'unclosed "a', line: 1 }, { text: 'b', line: 2 }]);
  assert.deepEqual(r.summary.examples.map((e) => e.line), [3]);
  // After MAX_RECORD_LINES lines: the lines after it are read as usual again.
  const lines = ['"open', ...Array.from({ length: MAX_RECORD_LINES - 1 }, (_, i) => `l${i + 2}`), 'after'];
  r = read(lines.join('\n') + '\n');
  assert.deepEqual(r.records.map((x) => x.line), lines.map((_, i) => i + 1));
  assert.equal(r.records[0]!.text, 'unclosed "open');
  // A line past a limit ends the record before it: a record never spans a rejected line.
  r = read(`"a\nb\n${'x'.repeat(41)}\nc"\n`);
  assert.deepEqual(r.records, [{ text: 'unclosed "a', line: 1 }, { text: 'b', line: 2 }, { text: 'c"', line: 4 }]);
  assert.deepEqual(r.summary.examples.map((e) => e.line), [3]);
  // A line read again may open a record of its own.
  const reopened = ['"a', '"b', ...Array.from({ length: MAX_RECORD_LINES - 2 }, () => 'x'), 'c"'];
  r = read(reopened.join('\n') + '\n');
  assert.deepEqual(r.records, [{ text: 'unclosed "a', line: 1 }, { text: reopened.slice(1).join('\n'), line: 2 }]);
  assert.deepEqual([r.summary.lines, r.summary.framing], [MAX_RECORD_LINES + 1, MAX_RECORD_LINES - 1]);
});
