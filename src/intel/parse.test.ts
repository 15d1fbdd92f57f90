// Tests for the intel entry point: format detection, gzip, duplicates and file-level errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BotcensusError } from '../core/errors.js';
import { tempDir } from '../../test/tmp.js';
import { parseIntelFile } from './parse.js';

const fixturePath = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url));
const dir = tempDir();
const write = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const fails = (code: string, where: { line?: number; field?: string } = {}) => (err: unknown) =>
  err instanceof BotcensusError && err.code === code && err.where.file !== undefined &&
  (where.line === undefined || err.where.line === where.line) && (where.field === undefined || err.where.field === where.field);

test('auto-detects every format', async () => {
  const cases: [string, string, number][] = [
    ['bundle.stix.json', 'stix', 5],
    ['event.misp.json', 'misp', 8],
    ['feed.zeek-intel.dat', 'zeek-intel', 5],
    ['mixed-report.txt', 'text', 7],
    ['plain-list.txt', 'text', 6],
  ];
  for (const [name, format, count] of cases) {
    const r = await parseIntelFile(fixturePath(name));
    assert.equal(r.format, format, name);
    assert.equal(r.indicators.length, count, name);
  }
  const wl = write('wl.json', JSON.stringify({ name: 'n', type: 'cidr', list: ['192.0.2.0/24'], description: '', version: 1 }));
  const r = await parseIntelFile(wl);
  assert.equal(r.format, 'warninglist');
  assert.equal(r.warnings.length, 1);
  // a text list whose first line is a bracketed IPv6 address is not JSON
  assert.equal((await parseIntelFile(write('v6.txt', '[2001:db8::1]:443\n'))).format, 'text');
});

test('gzip is read for text and JSON formats', async () => {
  const gzText = write('list.txt.gz', gzipSync(readFileSync(fixturePath('plain-list.txt'))));
  const t = await parseIntelFile(gzText);
  assert.equal(t.format, 'text');
  assert.equal(t.indicators.length, 6);
  const gzJson = write('event.json.gz', gzipSync(readFileSync(fixturePath('event.misp.json'))));
  assert.equal((await parseIntelFile(gzJson)).format, 'misp');
});

test('duplicates are folded and counted for every format', async () => {
  const bundle = {
    type: 'bundle',
    objects: [
      { type: 'indicator', pattern: "[ipv4-addr:value = '192.0.2.1']", valid_from: '2024-01-01T00:00:00Z', labels: ['a'] },
      { type: 'indicator', pattern: "[ipv4-addr:value = '192.0.2.1']", valid_from: '2023-01-01T00:00:00Z', labels: ['b'] },
    ],
  };
  const r = await parseIntelFile(write('dup.json', JSON.stringify(bundle)));
  assert.equal(r.counts.duplicates, 1);
  assert.deepEqual(r.indicators.map((i) => [i.value, i.tags, i.firstSeen]), [['192.0.2.1', ['a', 'b'], Date.UTC(2023, 0, 1)]]);
  const t = await parseIntelFile(fixturePath('mixed-report.txt'), 'csv');
  assert.equal(t.counts.duplicates, 3);
  assert.equal(t.format, 'csv');
});

test('unreadable files and files that are not the stated format throw with the file named', async () => {
  await assert.rejects(parseIntelFile(join(dir, 'missing.txt')), fails('UNREADABLE'));
  await assert.rejects(parseIntelFile(write('bad.json', '{"type": "bundle", "objects": [\n  {"type": }\n]}'), 'stix'), fails('BAD_INPUT'));
  await assert.rejects(parseIntelFile(fixturePath('bundle.stix.json'), 'misp'), fails('BAD_INPUT', { field: 'Event' }));
  await assert.rejects(parseIntelFile(fixturePath('event.misp.json'), 'stix'), fails('BAD_INPUT', { field: 'objects' }));
  await assert.rejects(parseIntelFile(fixturePath('plain-list.txt'), 'zeek-intel'), fails('BAD_INPUT', { line: 2, field: '#fields' }));
  await assert.rejects(parseIntelFile(write('other.json', '{"hello": 1}')), fails('UNKNOWN_FORMAT'));
  await assert.rejects(parseIntelFile(write('broken.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3]))), fails('UNREADABLE'));
});

test('a JSON syntax error names the line when the engine reports a position', async () => {
  const p = write('trail.json', '{"name": "x", "type": "cidr", "list": []}\n\n  garbage');
  await assert.rejects(parseIntelFile(p, 'warninglist'), fails('BAD_INPUT', { line: 3 }));
});
