import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test/tmp.js';
import { BotcensusError } from './errors.js';
import { sha256File } from './hash.js';

test('sha256File is the SHA-256 of the whole file, read in pieces, and names a missing file', async () => {
  const dir = tempDir();
  // Empty, one byte, exactly one 4 MiB piece, and a piece and a bit: every byte counts once.
  for (const size of [0, 1, 4 << 20, (4 << 20) + 12_345]) {
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 13)) & 255;
    const f = join(dir, `f${size}`);
    writeFileSync(f, bytes);
    assert.equal(await sha256File(f), createHash('sha256').update(bytes).digest('hex'), `${size} bytes`);
  }
  const missing = join(dir, 'missing');
  await assert.rejects(sha256File(missing), (e: BotcensusError) => e.message === 'no such file' && e.where.file === missing);
});
