import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitMbox, type MboxProblem } from './mbox.js';

async function split(text: string, chunk = Infinity) {
  const bytes = Buffer.from(text, 'latin1');
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunk === Infinity ? bytes.length : chunk) yield bytes.subarray(i, i + (chunk === Infinity ? bytes.length : chunk));
  }
  const problems: MboxProblem[] = [];
  const out = [];
  for await (const m of splitMbox(chunks(), (p) => problems.push(p))) out.push({ offset: m.offset, text: m.bytes.toString('latin1') });
  return { out, problems };
}

const MBOX = [
  'From a@example Mon Jan  1 00:00:00 2026\nSubject: one\n\nbody one\nFrom here on, no split: the line before is not empty\n>From quoted\n>>From twice\n\n',
  'From b@example Mon Jan  1 00:00:00 2026\r\nSubject: two\r\n\r\nbody two\r\n\r\n',
  'From c@example Mon Jan  1 00:00:00 2026\nSubject: three\n\nlast line without newline',
].join('');

test('splits on From_ lines after an empty line, unquotes >From, keeps offsets', async () => {
  const { out, problems } = await split(MBOX);
  assert.deepEqual(problems, []);
  assert.equal(out.length, 3);
  assert.equal(out[0]!.text, 'Subject: one\n\nbody one\nFrom here on, no split: the line before is not empty\nFrom quoted\n>From twice\n');
  assert.equal(out[1]!.text, 'Subject: two\r\n\r\nbody two\r\n');
  assert.equal(out[2]!.text, 'Subject: three\n\nlast line without newline');
  assert.deepEqual(
    out.map((m) => m.offset),
    [0, MBOX.indexOf('From b@'), MBOX.indexOf('From c@')],
  );
});

test('any chunking gives the same messages and offsets', async () => {
  const whole = await split(MBOX);
  for (const size of [1, 2, 3, 5, 7, 13, 64]) assert.deepEqual(await split(MBOX, size), whole, `chunks of ${size}`);
});

test('text before the first From_ line is reported with its offset, not dropped silently', async () => {
  const { out, problems } = await split('garbage line\n\nFrom x Mon Jan  1 00:00:00 2026\nSubject: s\n\nb\n');
  assert.deepEqual(problems, [{ offset: 0, reason: 'text before the first "From " line of the mbox, skipped' }]);
  assert.equal(out.length, 1);
  assert.equal(out[0]!.offset, 14);
});
