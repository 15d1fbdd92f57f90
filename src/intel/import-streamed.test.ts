// A STIX or MISP file streamed into the store (as one over STREAM_INTEL_BYTES is) ends as the same
// file held in memory does: the same indicators, repeats folded the same way, the same counts;
// broken part-way, after batches were written, or with nothing to import, it leaves no trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BotcensusError } from '../core/errors.js';
import type { DuckDbStore } from '../store/duckdb/index.js';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { importIntelFile, type IntelImportOptions } from './import.js';
import { ingestFile } from '../telemetry/ingest.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/intel/${name}`, import.meta.url)), 'utf8');
const dir = tempDir();
const write = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const match = { graceMs: 0 };
const streamed: IntelImportOptions = { match, streamAbove: 0 };

/** What an import left: its imports row's counts and its indicators, ids aside. */
async function outcome(store: DuckDbStore) {
  const [imp] = await store.listImports();
  const rows = await store.db.all<Record<string, unknown>>(
    `SELECT type, value, lo, hi, port, domain, url_path, tags, category, description, first_seen, last_seen, for_detection, line, timeframe, source
     FROM indicators ORDER BY line, type, value`,
  );
  const { id, importedAt, ...counts } = imp!;
  return { counts, rows };
}

/** The file imported held and streamed, each into a fresh store. */
async function bothWays(file: string) {
  const held = await openTestStore();
  const stream = await openTestStore();
  try {
    const a = await importIntelFile(held, file, { match });
    const b = await importIntelFile(stream, file, streamed);
    return { held: { result: a, ...(await outcome(held)) }, streamed: { result: b, ...(await outcome(stream)) } };
  } finally {
    await held.close();
    await stream.close();
  }
}

const ind = (pattern: string, extra: Record<string, unknown> = {}) => ({ type: 'indicator', spec_version: '2.1', pattern, pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z', ...extra });

test('a bundle with repeated indicators streamed ends as held: folded the same, counted the same', async () => {
  const bundle = {
    type: 'bundle',
    objects: [
      ind("[ipv4-addr:value = '192.0.2.1']", { labels: ['a'], indicator_types: ['c2'], description: 'first', valid_until: '2024-03-01T00:00:00Z' }),
      { type: 'malware', name: 'x' },
      ind("[domain-name:value = 'c2.example'] OR [ipv4-addr:value = '192.0.2.2']"),
      ind("[ipv4-addr:value = '192.0.2.1']", { labels: ['b'], indicator_types: ['botnet'], description: 'second', valid_from: '2023-06-01T00:00:00Z', valid_until: '2024-06-01T00:00:00Z' }),
      ind("[ipv4-addr:value = 'not an address']"),
      ind("[process:name = 'x']"),
      ind("[domain-name:value = 'C2.example']", { labels: ['again'] }),
    ],
  };
  const both = await bothWays(write('repeats.stix.json', JSON.stringify(bundle)));
  assert.deepEqual(both.streamed.counts, both.held.counts);
  assert.deepEqual(both.streamed.rows, both.held.rows);
  assert.equal(both.held.counts.duplicates, 2, 'the repeats were there to fold');
  assert.equal(both.held.counts.rejected, 1);
  const { rescan: _a, importId: _b, ...held } = both.held.result as Extract<typeof both.held.result, { status: 'imported' }>;
  const { rescan: _c, importId: _d, ...streamedResult } = both.streamed.result as Extract<typeof both.streamed.result, { status: 'imported' }>;
  assert.deepEqual(streamedResult, held);
});

test('the MISP fixture, gzipped, streamed ends as held', async () => {
  const both = await bothWays(write('event.misp.json.gz', gzipSync(fixture('event.misp.json'))));
  assert.equal(both.held.rows.length, 8);
  assert.deepEqual(both.streamed.counts, both.held.counts);
  assert.deepEqual(both.streamed.rows, both.held.rows);
});

test('streamed and broken after several batches were written, or with nothing to import: refused, the store unchanged', async () => {
  const store = await openTestStore();
  try {
    const first = write('first.stix.json', fixture('bundle.stix.json'));
    await importIntelFile(store, first, streamed);
    const before = await outcome(store);
    assert.equal((await importIntelFile(store, first, streamed)).status, 'duplicate', 'the same bytes again change nothing');
    // 50,000 objects are read in several batches before the one near the end whose "}" is missing.
    const objects = Array.from({ length: 50_000 }, (_, i) => JSON.stringify(ind(`[ipv6-addr:value = '2001:db8::${i.toString(16)}']`)));
    objects[49_990] = objects[49_990]!.replace(/}$/, '');
    const text = `{"type": "bundle", "objects": [\n${objects.join(',\n')}\n]}\n`;
    const err = await importIntelFile(store, write('broken.stix.json', text), streamed).catch((e: unknown) => e);
    assert.ok(err instanceof BotcensusError, String(err));
    assert.match(err.message, /^not valid JSON at line 49993, column 1 \(byte \d+\): unexpected "{"$/);
    assert.deepEqual([err.where.file, err.where.line], [join(dir, 'broken.stix.json'), 49993]);
    assert.deepEqual(await outcome(store), before);
    const none = await importIntelFile(store, write('none.stix.json', JSON.stringify({ type: 'bundle', objects: [ind("[process:name = 'x']")] })), streamed).catch((e: unknown) => e);
    assert.ok(none instanceof BotcensusError && none.code === 'NOTHING_IMPORTED', String(none));
    const strict = await importIntelFile(store, write('strict.stix.json', JSON.stringify({ type: 'bundle', objects: [ind("[ipv4-addr:value = '192.0.2.9']"), ind("[ipv4-addr:value = 'x']")] })), { ...streamed, strict: true }).catch((e: unknown) => e);
    assert.ok(strict instanceof BotcensusError && strict.code === 'STRICT' && strict.where.line === 2, String(strict));
    assert.deepEqual(await outcome(store), before);
  } finally {
    await store.close();
  }
});

test('a streamed bundle reads prefiltered flow files again after it is imported: the same sightings as a store of every flow', async () => {
  const flows = write(
    'flows.csv',
    [
      'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
      '2026-11-02 10:00:00.000,1.5,TCP,192.0.2.1,40000,203.0.113.10,443,10,1000,1',
      '2026-11-02 10:00:00.000,1.5,TCP,192.0.2.2,40000,198.51.100.9,443,10,1000,1',
      '2026-11-02 10:00:00.000,1.5,TCP,192.0.2.3,40000,198.51.100.77,443,10,1000,1',
    ].join('\n') + '\n',
  );
  const first = write('first.txt', '203.0.113.10\n');
  const later = write('later.stix.json', JSON.stringify({ type: 'bundle', objects: [ind("[ipv4-addr:value = '198.51.100.9']")] }));
  const sightings = (s: DuckDbStore) => s.db.all(`SELECT s.victim, i.value, s.first_line FROM sightings s JOIN indicators i ON i.id = s.indicator_id ORDER BY ALL`);
  const full = await openTestStore();
  const pre = await openTestStore();
  try {
    for (const [store, prefilter] of [[full, false], [pre, true]] as const) {
      await importIntelFile(store, first, { match });
      await ingestFile(store, flows, { match, prefilter });
    }
    assert.deepEqual((await pre.db.all<{ line: number }>('SELECT line FROM flows ORDER BY line')).map((r) => r.line), [2], 'line 3 was dropped');
    await importIntelFile(full, later, streamed);
    const r = await importIntelFile(pre, later, streamed);
    assert.ok(r.status === 'imported');
    // Lines 3 and 4 are near the new indicator (its /24) and join the import.
    assert.deepEqual([r.rescan?.files, r.rescan?.flows], [1, 2]);
    assert.deepEqual(await sightings(pre), await sightings(full));
    assert.equal((await sightings(pre)).length, 2);
  } finally {
    await full.close();
    await pre.close();
  }
});
