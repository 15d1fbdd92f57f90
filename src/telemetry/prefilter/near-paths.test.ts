// One definition of "near" (core/flow-near.ts) for every path of ingest --prefilter: the
// WebAssembly scan, the line reader, Parquet, and the rescans of each (indicators imported after
// the flows) keep exactly the same flows, IPv4 and IPv6, at the networks' edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openTestStore } from '../../../test/store.js';
import { tempDir } from '../../../test/tmp.js';
import { importIntelFile } from '../../intel/import.js';
import type { DuckDbStore } from '../../store/duckdb/index.js';
import { ingestFile } from '../ingest.js';

const match = { graceMs: 86_400_000 };

const INDICATORS = [
  '203.0.113.10', // near: 203.0.113.0/24
  '198.51.100.0/26', // near: 198.51.100.0/24
  '2001:db8:aa::bad', // near: 2001:db8:aa::/48
  '2001:db8:100::/40', // wider than a /48: itself
  '2001:db8:cc:8000::/49', // narrower: its /48, 2001:db8:cc::/48
  '3fff::/20', // wider than a /32 (the SQL tests such runs as ranges, not as keys)
];

// [src, dst, near]: each flow's source port is its index, which names it in every store.
const FLOWS: [string, string, boolean][] = [
  ['100.64.0.1', '203.0.113.10', true],
  ['203.0.113.0', '100.64.0.1', true], // the /24's first address
  ['100.64.0.1', '203.0.113.255', true], // and its last
  ['203.0.112.255', '203.0.114.0', false], // either side of it
  ['198.51.100.255', '100.64.0.1', true], // the /26's /24, outside the /26
  ['198.51.101.0', '100.64.0.1', false],
  ['100.64.0.1', '100.64.0.2', false],
  ['2001:db8:aa::bad', '2001:db8:ffff::1', true],
  ['2001:db8:ffff::1', '2001:db8:aa::', true], // the /48's first address
  ['2001:db8:aa:ffff:ffff:ffff:ffff:ffff', '2001:db8:ffff::1', true], // and its last
  ['2001:db8:a9:ffff:ffff:ffff:ffff:ffff', '2001:db8:ab::', false], // either side of it
  ['2001:DB8:AA::1', '2001:db8:ffff::1', true], // upper case
  ['2001:0db8:00aa:0000:0000:0000:0000:0001', '2001:db8:ffff::1', true], // every digit written
  ['2001:db8:100::', '2001:db8:ffff::1', true], // the /40's first /48
  ['2001:db8:1ff:ffff:ffff:ffff:ffff:ffff', '2001:db8:ffff::1', true], // its last address
  ['2001:db8:ff:ffff:ffff:ffff:ffff:ffff', '2001:db8:200::', false], // either side of the /40
  ['2001:db8:cc::1', '2001:db8:ffff::1', true], // the /49's /48, outside the /49
  ['2001:db8:cd::1', '2001:db8:cb:ffff::1', false],
  ['::ffff:cb00:710a', '100.64.0.1', true], // 203.0.113.10, IPv4-mapped in hex: IPv4
  ['0:0:0:0:0:ffff:cb00:71ff', '100.64.0.1', true], // 203.0.113.255
  ['::ffff:c633:6500', '100.64.0.1', false], // 198.51.101.0
  ['64:ff9b::cb00:710a', '100.64.0.1', false], // 203.0.113.10 through NAT64 is IPv6, in 64:ff9b::/48
  ['::', '::1', false],
  ['3fff::', '2001:db8:ffff::1', true], // the /20's first address
  ['3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db8:ffff::1', true], // and its last
  ['3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '3fff:1000::', false], // either side of it
  ['100.64.0.1', '2001:db8:aa::1', true], // one family each side
  ['2001:db8:ffff::1', '203.0.113.77', true],
  ['2001:db8:ffff::1', '100.64.0.1', false],
];

/** IPv4 inside IPv6 text, a zone: forms only the line reader reads (DuckDB refuses them, and the file goes to it). */
const ODD_FLOWS: [string, string, boolean][] = [
  ['::ffff:203.0.113.10', '100.64.0.1', true],
  ['::ffff:198.51.101.0', '100.64.0.1', false],
  ['2001:db8:aa::1%eth0', '100.64.0.1', true],
  ['2001:db8:ab::1%eth0', '100.64.0.1', false],
];

const HEADER = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';

function csv(flows: [string, string, boolean][]): string {
  const f = join(tempDir(), 'flows.csv');
  writeFileSync(f, [HEADER, ...flows.map(([src, dst], i) => `2024-06-01 10:00:00.000,1.5,TCP,${src},${i},${dst},443,10,1000,1`)].join('\n') + '\n');
  return f;
}

function gzipped(file: string): string {
  const f = join(tempDir(), 'flows.csv.gz');
  writeFileSync(f, gzipSync(readFileSync(file)));
  return f;
}

async function parquet(store: DuckDbStore, file: string): Promise<string> {
  const f = join(tempDir(), 'flows.parquet');
  await store.db.run(`COPY (SELECT * FROM read_csv('${file}', all_varchar = true)) TO '${f}' (FORMAT parquet)`);
  return f;
}

async function storeWith(indicators: string[]): Promise<DuckDbStore> {
  const store = await openTestStore();
  const f = join(tempDir(), 'iocs.txt');
  writeFileSync(f, indicators.join('\n') + '\n');
  assert.equal((await importIntelFile(store, f, { source: 'first', match })).status, 'imported');
  return store;
}

/** The flows a store holds, by index. */
const stored = (s: DuckDbStore) => s.db.all<{ sport: number }>(`SELECT sport FROM flows ORDER BY sport`).then((r) => r.map((x) => Number(x.sport)));

const nearOnes = (flows: [string, string, boolean][]) => flows.flatMap(([, , near], i) => (near ? [i] : []));

type Path = 'scan' | 'lines' | 'parquet';

/** The flows file as each path reads it, and whether DuckDB read it (the fast path). */
async function fileFor(store: DuckDbStore, path: Path, flows: [string, string, boolean][]): Promise<{ file: string; fast: boolean }> {
  const plain = csv(flows);
  if (path === 'scan') return { file: plain, fast: true };
  if (path === 'lines') return { file: gzipped(plain), fast: false };
  return { file: await parquet(store, plain), fast: true };
}

for (const path of ['scan', 'lines', 'parquet'] as const) {
  test(`${path}: --prefilter keeps exactly the flows near an indicator, IPv4 and IPv6, and indicators imported later add exactly theirs`, async () => {
    // At import.
    const store = await storeWith(INDICATORS);
    const { file, fast } = await fileFor(store, path, FLOWS);
    const r = await ingestFile(store, file, { match, prefilter: true });
    assert.ok(r.status === 'imported');
    assert.equal(!!r.fast, fast, 'read by the path under test');
    assert.deepEqual(await stored(store), nearOnes(FLOWS));
    assert.equal(r.counts.prefiltered, FLOWS.length - nearOnes(FLOWS).length);
    await store.close();

    // Imported later: the file is read again, by the same kind of reader, for the new indicators' networks.
    const later = await storeWith(['198.18.0.1']);
    const again = await fileFor(later, path, FLOWS);
    const p = await ingestFile(later, again.file, { match, prefilter: true });
    assert.ok(p.status === 'imported');
    assert.deepEqual(await stored(later), []);
    const intel = join(tempDir(), 'later.txt');
    writeFileSync(intel, INDICATORS.join('\n') + '\n');
    const i = await importIntelFile(later, intel, { source: 'later', match });
    assert.ok(i.status === 'imported');
    assert.deepEqual([i.rescan!.files, i.rescan!.skipped], [1, []]);
    assert.deepEqual(await stored(later), nearOnes(FLOWS));
    await later.close();
  });
}

test('addresses only the line reader reads: the scan hands the file to it, which keeps the same flows, at import and later', async () => {
  const flows = [...FLOWS, ...ODD_FLOWS];
  const store = await storeWith(INDICATORS);
  const r = await ingestFile(store, csv(flows), { match, prefilter: true });
  assert.ok(r.status === 'imported' && !r.fast);
  assert.deepEqual(await stored(store), nearOnes(flows));
  await store.close();

  const later = await storeWith(['198.18.0.1']);
  assert.equal((await ingestFile(later, csv(flows), { match, prefilter: true })).status, 'imported');
  const intel = join(tempDir(), 'later.txt');
  writeFileSync(intel, INDICATORS.join('\n') + '\n');
  assert.equal((await importIntelFile(later, intel, { source: 'later', match })).status, 'imported');
  assert.deepEqual(await stored(later), nearOnes(flows));
  await later.close();
});
