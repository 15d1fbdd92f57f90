// A line-based intel file's import is counted as telemetry's are: the lines read, beside the
// rejected lines with their line, field and text (tabs shown escaped), gzipped or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { importIntelFile } from './import.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8');

test('a Zeek intel file and a text list: lines read, rejected lines with line and field, in the imports row', async () => {
  const store = await openTestStore();
  const dir = tempDir();
  try {
    const zeek = join(dir, 'feed.zeek-intel.dat.gz');
    writeFileSync(zeek, gzipSync(fixture('feed.zeek-intel.dat')));
    const list = join(dir, 'list.txt');
    writeFileSync(list, '# C2 servers\n203.0.113.7\n\n203.0.113.300\nc2.example\n');
    for (const f of [zeek, list]) await importIntelFile(store, f, { match: { graceMs: 0 }, rescan: false });
    const rows = (await store.listImports()).map((i) => [i.format, i.lines, i.records, i.rejected, i.examples.map((e) => [e.line, e.field, e.raw])]);
    assert.deepEqual(rows, [
      ['zeek-intel', 9, 5, 1, [[9, 'indicator', 'not-an-ip\\x09Intel::ADDR\\x09fixture-feed\\x09-\\x09-']]],
      ['text', 5, 2, 1, [[4, undefined, '203.0.113.300']]],
    ]);
  } finally {
    await store.close();
  }
});
