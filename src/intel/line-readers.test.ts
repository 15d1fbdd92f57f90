// Text lists and Zeek intel files are read on the reader base the telemetry readers use: the
// byte-order mark, the line and field limits, bounded examples of rejected lines with the bytes as
// read, and records spanning lines come from there, the same for both formats and for a file
// held in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { tempDir } from '../../test/tmp.js';
import { parseIntelFile } from './parse.js';
import { parseTextList } from './text-list.js';
import { parseZeekIntel } from './zeek-intel.js';
import { withEnv } from '../../test/env.js';

const dir = tempDir();
const write = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ZEEK = readFileSync(fileURLToPath(new URL('../../../test/fixtures/intel/feed.zeek-intel.dat', import.meta.url)), 'utf8');
const ZEEK_HEAD = '#fields\tindicator\tindicator_type\tmeta.source\n';

test('a byte-order mark opening a Zeek intel file or a text list is no part of its first line', async () => {
  const zeek = await parseIntelFile(write('bom.zeek.dat', Buffer.concat([BOM, Buffer.from(ZEEK)])));
  assert.deepEqual([zeek.format, zeek.indicators.length, zeek.counts.rejected], ['zeek-intel', 5, 1]);
  const list = await parseIntelFile(write('bom.txt.gz', gzipSync(Buffer.concat([BOM, Buffer.from('203.0.113.7\nc2.example\n')]))));
  assert.deepEqual([list.format, list.indicators.map((i) => i.value), list.counts.rejected], ['text', ['203.0.113.7', 'c2.example'], 0]);
});

test('Zeek intel: lines past BOTCENSUS_MAX_LINE_BYTES or BOTCENSUS_MAX_FIELDS are rejected by number, the rest read', async () => {
  const wide = Array.from({ length: 20 }, (_, i) => `f${i}`).join('\t');
  const text = `${ZEEK_HEAD}198.51.100.50\tIntel::ADDR\tfeed\n${'a'.repeat(100)}\n${wide}\nc2.example\tIntel::DOMAIN\tfeed\n`;
  const r = await withEnv({ BOTCENSUS_MAX_LINE_BYTES: '80', BOTCENSUS_MAX_FIELDS: '10' }, () => parseIntelFile(write('limits.zeek.dat', text)));
  assert.equal(r.format, 'zeek-intel');
  assert.deepEqual(r.indicators.map((i) => [i.line, i.value]), [[2, '198.51.100.50'], [5, 'c2.example']]);
  assert.deepEqual(r.counts.examples.map((e) => [e.line, e.reason]), [
    [3, 'line longer than 80 bytes (100 bytes; BOTCENSUS_MAX_LINE_BYTES): rejected'],
    [4, 'more than 10 fields (20; BOTCENSUS_MAX_FIELDS): rejected'],
  ]);
  assert.deepEqual([r.counts.lines, r.counts.framing, r.counts.rejected], [5, 1, 2]);
});

test('every rejected line is counted, ten are kept as examples, with the bytes as read', async () => {
  const bad = Array.from({ length: 500 }, (_, i) => `10.0.0.${300 + i}\tIntel::ADDR\tfeed`).join('\n');
  const zeek = await parseIntelFile(write('many.zeek.dat', `${ZEEK_HEAD}${bad}\n198.51.100.1\tIntel::ADDR\tfeed\n`));
  assert.deepEqual([zeek.counts.rejected, zeek.counts.examples.length, zeek.counts.examples[9]!.line, zeek.indicators.length], [500, 10, 11, 1]);
  const list = await parseIntelFile(write('many.txt', `${Array.from({ length: 500 }, (_, i) => `203.0.113.${300 + i}`).join('\n')}\n198.51.100.1\n`));
  assert.deepEqual([list.counts.rejected, list.counts.examples.length, list.indicators.length], [500, 10, 1]);
  // A byte that is no UTF-8 is quoted as the byte it is.
  const raw = await parseIntelFile(write('byte.zeek.dat', Buffer.concat([Buffer.from(`${ZEEK_HEAD}198.51.100.`), Buffer.from([0xff]), Buffer.from('\tIntel::ADDR\tfeed\n198.51.100.2\tIntel::ADDR\tfeed\n')])));
  assert.deepEqual(raw.counts.examples.map((e) => [e.line, e.field, e.raw]), [[2, 'indicator', '198.51.100.\\xff\\x09Intel::ADDR\\x09feed']]);
});

test('a CSV record spanning lines in a file: numbered by its first line, its further lines framing; a stray quote read line by line', async () => {
  const r = await parseIntelFile(write('multi.csv.gz', gzipSync('value,description\n198.51.100.1,"first line\nsecond line"\n198.51.100.2,"never closed\n198.51.100.3,ok\n')));
  assert.deepEqual(r.indicators.map((i) => [i.line, i.value, i.description]), [
    [2, '198.51.100.1', 'first line\nsecond line'],
    [4, '198.51.100.2', '"never closed'],
    [5, '198.51.100.3', 'ok'],
  ]);
  assert.deepEqual([r.counts.lines, r.counts.framing, r.counts.rejected], [5, 2, 0]);
});

test('text held in memory is framed as a file is: a lone \\r ends a line, the limits hold', () => {
  assert.deepEqual(parseTextList('203.0.113.7\rc2.example\r\n').indicators.map((i) => [i.line, i.value]), [[1, '203.0.113.7'], [2, 'c2.example']]);
  const z = parseZeekIntel(`${ZEEK_HEAD}${Array.from({ length: 5000 }, () => 'x').join('\t')}\n198.51.100.1\tIntel::ADDR\tfeed\n`);
  assert.deepEqual([z.indicators.length, z.rejected.map((e) => [e.line, e.reason])], [1, [[2, 'more than 4096 fields (5000; BOTCENSUS_MAX_FIELDS): rejected']]]);
});
