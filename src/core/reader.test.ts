// headLines: the first lines of a file for format detection, read in small pieces and no further.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/tmp.js';
import { headLines } from './reader.js';
import { tooManyFields } from './line-records.js';

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
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('#fields\tindicator\none\n')]);
  assert.deepEqual(await headLines(file('bom.txt', bom), 2), ['#fields\tindicator', 'one'], 'without the byte-order mark');
  assert.deepEqual(await headLines(file('bom.gz', gzipSync(bom)), 2), ['#fields\tindicator', 'one']);
});

test('headLines reads lines across its 64 KiB reads, a multi-byte character split between two included', async () => {
  // The first line ends just past the first read, with a three-byte character across the boundary.
  const first = 'x'.repeat((64 << 10) - 1) + '€' + 'tail';
  const lines = await headLines(file('long.txt', `${first}\nsecond\n${'z,'.repeat(1 << 20)}\n`), 2);
  assert.deepEqual(lines, [first, 'second']);
});

test('fields are counted by the line\'s separator: tabs when it has one, commas otherwise; JSON lines not at all', () => {
  const set = Array.from({ length: 5000 }, (_, i) => `198.51.100.${i % 250}`).join(',');
  assert.equal(tooManyFields(`1718618400.0\tC1\t${set}\ttcp`, 4096), undefined, 'a Zeek set of 5000 members is one field');
  assert.equal(tooManyFields(set, 4096), 'more than 4096 fields (5000; BOTCENSUS_MAX_FIELDS): rejected');
  assert.equal(tooManyFields(`{"a":[${set}]}`, 4096), undefined);
  assert.equal(tooManyFields('a,b,c', 10), undefined, 'a line shorter than the limit is not counted');
  assert.match(tooManyFields('a,b,c', 2)!, /more than 2 fields \(3;/);
});
