// headLines: the first lines of a file for format detection, read in small pieces and no further.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/tmp.js';
import { headLines } from './reader.js';

const file = (name: string, data: string | Buffer) => {
  const f = join(tempDir(), name);
  writeFileSync(f, data);
  return f;
};

test('headLines gives the first non-blank lines whatever ends them, gzipped or not', async () => {
  const text = '\n#fields\tts\r\n\r\nfirst,line\rsecond\nthird\n';
  assert.deepEqual(await headLines(file('a.txt', text), 3), ['#fields\tts', 'first,line', 'second']);
  assert.deepEqual(await headLines(file('a.gz', gzipSync(text)), 3), ['#fields\tts', 'first,line', 'second']);
  // Fewer lines than asked, the last without a newline.
  assert.deepEqual(await headLines(file('b.txt', 'one\n\ntwo'), 5), ['one', 'two']);
  assert.deepEqual(await headLines(file('empty.txt', ''), 5), []);
});

test('headLines reads lines across its 64 KiB reads, a multi-byte character split between two included', async () => {
  // The first line ends just past the first read, with a three-byte character across the boundary.
  const first = 'x'.repeat((64 << 10) - 1) + '€' + 'tail';
  const lines = await headLines(file('long.txt', `${first}\nsecond\n${'z,'.repeat(1 << 20)}\n`), 2);
  assert.deepEqual(lines, [first, 'second']);
});
