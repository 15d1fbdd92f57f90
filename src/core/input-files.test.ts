// walkInputs: regular files only, link loops and dangling links named, the number of files bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { BotcensusError } from './errors.js';
import { checkRegularFile, walkInputs } from './input-files.js';

test('a walk hands over regular files, and names the rest with why', () => {
  const d = tempDir();
  mkdirSync(join(d, 'a'));
  writeFileSync(join(d, 'a', 'one.txt'), '1');
  writeFileSync(join(d, 'two.txt'), '2');
  writeFileSync(join(d, '.hidden'), 'x');
  symlinkSync('two.txt', join(d, 'link.txt'));
  symlinkSync('missing', join(d, 'dangling'));
  symlinkSync('.', join(d, 'a', 'here'));
  execFileSync('mkfifo', [join(d, 'fifo')]);
  const w = walkInputs([d, join(d, 'nothing-here')]);
  assert.deepEqual(w.files, [join(d, 'a', 'one.txt'), join(d, 'link.txt'), join(d, 'two.txt')]);
  assert.deepEqual(w.skipped, [
    { path: join(d, 'a', 'here'), reason: `symbolic link loop (back to ${join(d, 'a')})` },
    { path: join(d, 'dangling'), reason: 'no such file (a dangling link)' },
    { path: join(d, 'fifo'), reason: 'a FIFO, not a regular file: skipped' },
    { path: join(d, 'nothing-here'), reason: 'no such file' },
  ]);
});

test('more files than BOTCENSUS_MAX_WALK_FILES is refused before any is read', () => {
  const d = tempDir();
  for (let i = 0; i < 5; i++) writeFileSync(join(d, `f${i}`), '');
  assert.equal(walkInputs([d], 5).files.length, 5);
  assert.throws(() => walkInputs([d], 4), (e: BotcensusError) => e.code === 'USAGE' && /more than 4 files to import \(BOTCENSUS_MAX_WALK_FILES\)/.test(e.message));
});

test('checkRegularFile names devices, directories and missing files without opening them', async () => {
  await assert.rejects(checkRegularFile('/dev/zero'), /a character device, not a regular file/);
  await assert.rejects(checkRegularFile(tempDir()), /a directory, not a regular file/);
  await assert.rejects(checkRegularFile('/nonexistent/x'), (e: BotcensusError) => e.message === 'no such file' && e.where.file === '/nonexistent/x');
});
