import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { blankLineInside } from './flow-csv-layout.js';

const dir = tempDir();
let n = 0;
async function blank(text: string): Promise<boolean> {
  const f = join(dir, `f${++n}.csv`);
  writeFileSync(f, text);
  return blankLineInside(f);
}

test('a blank line between data lines is found, in any line ending, at any position', async () => {
  const row = 'a,b,c\n';
  const big = row.repeat(400_000); // 2.4 MB: several read chunks
  for (const [text, want] of [
    ['h\n' + row + row, false],
    ['h\n' + row + row + '\n\n\n', false], // trailing blank lines do not matter
    ['h\r\n' + 'a,b\r\n' + '\r\n\r\n', false],
    ['h\n' + row + '\n' + row, true],
    ['h\r\n' + 'a,b\r\n' + '\r\n' + 'a,b\r\n', true],
    ['\nh\n' + row, true], // a leading blank line shifts every line number
    ['\r\nh\n' + row, true],
    ['h\n' + row + ' \n' + row, false], // a line of spaces is a (bad) data line, not a blank one
    ['h\n' + big + '\n' + row, true], // past the first chunks
    ['h\n' + big + big + '\n\n', false],
  ] as [string, boolean][]) {
    assert.equal(await blank(text), want, JSON.stringify(text.length > 60 ? text.slice(0, 30) + '…' + text.slice(-30) : text));
  }
});

test('a blank line that straddles two read chunks is found', async () => {
  // Put the blank line on every offset around the 1 MiB boundary of the stream's chunks (openText).
  for (let shift = -3; shift <= 3; shift++) {
    const head = 'x'.repeat((1 << 20) + shift - 1) + '\n';
    assert.equal(await blank(head + '\n' + 'a,b\n'), true, `shift ${shift}`);
    assert.equal(await blank(head + '\r\n' + 'a,b\n'), true, `CRLF shift ${shift}`);
  }
});
