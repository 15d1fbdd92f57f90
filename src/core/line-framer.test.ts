// LineFramer: the lines readline gives, whatever the reads; a line past the limit is reported by
// its length and never held whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { LineFramer } from './line-framer.js';

function frame(chunks: Buffer[], max = 1 << 20): (string | number)[] {
  const f = new LineFramer(max);
  const out: (string | number)[] = [];
  const take = (n: number) => {
    for (let i = 0; i < n; i++) out.push(f.lines[i] ?? -f.tooLong[i]!);
  };
  for (const c of chunks) take(f.push(c));
  take(f.end());
  return out;
}

async function readline(text: Buffer): Promise<string[]> {
  const out: string[] = [];
  for await (const l of createInterface({ input: Readable.from([text]), crlfDelay: Infinity })) out.push(l);
  return out;
}

test('the same lines as readline for \\n, \\r\\n and a lone \\r, split at every offset', async () => {
  const text = Buffer.from('a,b\r\n\r\nc€d\re\n\nlast');
  const want = await readline(text);
  assert.deepEqual(want, ['a,b', '', 'c€d', 'e', '', 'last']);
  for (let i = 0; i <= text.length; i++)
    for (let j = i; j <= text.length; j++) assert.deepEqual(frame([text.subarray(0, i), text.subarray(i, j), text.subarray(j)]), want, `split at ${i}, ${j}`);
  assert.deepEqual(frame([Buffer.from('x\r'), Buffer.from('\ny\n')]), ['x', 'y'], 'a \\r\\n across two reads is one line end');
});

test('a line over the limit is reported with its length, the lines around it kept, its first bytes at hand', () => {
  const f = new LineFramer(10);
  assert.equal(f.push(Buffer.from('short\n0123456789ABCDEF')), 1);
  assert.equal(f.push(Buffer.from('GHIJ\nnext\n')), 2);
  assert.deepEqual([f.lines[0], f.tooLong[0], f.rawBytes(0).toString(), f.lines[1]], [undefined, 20, '0123456789ABCDEF', 'next']);
  assert.deepEqual(frame([Buffer.from('0123456789\n01234567890')], 10), ['0123456789', -11], 'exactly the limit is kept; one more byte is not');
});

test('a 4 GiB line passes through in bounded memory', () => {
  // The same 64 MiB read 64 times: a framer that kept the line would need 4 GiB (past Buffer's limit).
  const piece = Buffer.alloc(64 << 20, 0x41);
  const f = new LineFramer(1 << 20);
  const rss = process.memoryUsage().rss;
  for (let i = 0; i < 64; i++) assert.equal(f.push(piece), 0);
  assert.equal(f.push(Buffer.from('\nafter\n')), 2);
  assert.deepEqual([f.tooLong[0], f.rawBytes(0).length, f.lines[1]], [64 * (64 << 20), 256, 'after']);
  assert.ok(process.memoryUsage().rss - rss < 256 << 20, 'memory grew by less than 256 MiB');
});

test('a UTF-8 byte-order mark opening the input is not part of the first line, split at every offset; elsewhere it is kept', () => {
  const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('#fields\tindicator\n\ufeffb\n')]);
  for (let i = 0; i <= text.length; i++)
    for (let j = i; j <= text.length; j++) assert.deepEqual(frame([text.subarray(0, i), text.subarray(i, j), text.subarray(j)]), ['#fields\tindicator', '\ufeffb'], `split at ${i}, ${j}`);
  assert.deepEqual(frame([Buffer.from([0xef, 0xbb])]), ['\ufffd'], 'a file of half a mark is a line of it');
  assert.deepEqual(frame([Buffer.from([0xef, 0x41, 0x0a])]), ['\ufffdA'], 'bytes that only start like a mark are kept');
});

test("an over-long line's first bytes stop at its end: the next lines are not in its report", () => {
  const f = new LineFramer(4);
  assert.equal(f.push(Buffer.from('0123456\nnext\n')), 2);
  assert.deepEqual([f.rawBytes(0).toString(), f.lines[1]], ['0123456', 'next']);
});
