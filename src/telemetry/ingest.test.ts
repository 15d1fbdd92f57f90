import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestStore } from '../../test/store.js';
import { tempDir } from '../../test/tmp.js';
import { ingestFile } from './ingest.js';

const match = { graceMs: 86_400_000 };

const CLEAN = [
  'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows',
  '2024-06-01 10:00:00.125,1.5,TCP,192.0.2.1,40000,203.0.113.10,443,10,1000,1',
  '2024-06-01 10:00:01.000,0.000,17,198.51.100.7,53,203.0.113.11,5353,1,80,1',
  '2024-06-01 10:00:02.000,2.250,ICMP6,2001:db8::1,0,2001:db8:0:1::,0,3,240,1',
  '2024-06-01 10:00:03.000,0.5,TCP,::ffff:0:1,1,2001:DB8:0:0:0:0:0:2,2,1,1,1',
].join('\n');

async function flowsOf(path: string, lineByLine: boolean) {
  const store = await openTestStore();
  const r = await ingestFile(store, path, { match, lineByLine });
  assert.equal(r.status, 'imported');
  const rows = await store.db.all(`SELECT * EXCLUDE (import_id) FROM flows ORDER BY line`);
  await store.close();
  return rows;
}

test('the DuckDB fast path stores exactly what the line-by-line reader stores', async () => {
  const f = join(tempDir(), 'nfcapd.csv');
  writeFileSync(f, CLEAN + '\n');
  const fast = await flowsOf(f, false);
  const slow = await flowsOf(f, true);
  assert.equal(fast.length, 4);
  assert.deepEqual(fast, slow);
  assert.deepEqual(fast.map((r) => r.line), [2, 3, 4, 5]);
});

test('a file the fast path refuses is read line by line, and its bad lines are reported', async () => {
  const f = join(tempDir(), 'nfcapd-bad.csv');
  writeFileSync(f, CLEAN + '\n2024-06-01 10:00:04.000,0.5,TCP,192.0.2.300,1,203.0.113.10,443,1,1,1\n');
  const store = await openTestStore();
  const r = await ingestFile(store, f, { match });
  assert.ok(r.status === 'imported');
  assert.equal(r.counts.records, 4);
  assert.equal(r.counts.rejected, 1);
  assert.deepEqual([r.counts.examples[0]!.line, r.counts.examples[0]!.field], [6, 'srcAddr']);
  assert.equal((await store.listImports()).length, 1, 'the refused fast attempt left nothing behind');
  await store.close();
});

test('on a file DuckDB reads in parallel, line numbers still follow the file', async () => {
  const rows = ['firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows'];
  for (let i = 0; i < 150_000; i++) {
    const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
    rows.push(`2024-06-01 10:00:00.000,${(i / 1000).toFixed(3)},TCP,${ip},${1024 + (i % 60000)},203.0.113.10,443,1,${i},1`);
  }
  const f = join(tempDir(), 'nfcapd-big.csv');
  writeFileSync(f, rows.join('\n') + '\n');
  const store = await openTestStore();
  const r = await ingestFile(store, f, { match });
  assert.ok(r.status === 'imported' && r.fast, 'the fast path was used');
  // The file's line n carries bytes = n - 2: every stored row must agree.
  const bad = await store.db.one<{ n: bigint; lines: bigint }>(`SELECT count(*) FILTER (WHERE bytes <> line - 2) AS n, count(DISTINCT line) AS lines FROM flows`);
  assert.deepEqual([Number(bad!.n), Number(bad!.lines)], [0, 150_000]);
  await store.close();
});

test('a blank line inside the file sends it to the line reader, so line numbers stay right', async () => {
  const f = join(tempDir(), 'nfcapd-blank.csv');
  const lines = CLEAN.split('\n');
  writeFileSync(f, [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n') + '\n\n');
  const store = await openTestStore();
  const r = await ingestFile(store, f, { match });
  assert.ok(r.status === 'imported' && !r.fast);
  const got = await store.db.all<{ line: number }>(`SELECT line FROM flows ORDER BY line`);
  assert.deepEqual(got.map((x) => x.line), [2, 3, 5, 6]);
  await store.close();
});

test('Shadowserver rows short of their last columns are imported and counted in the import report', async () => {
  const f = join(tempDir(), '2024-06-01-scan_telnet-asn.csv');
  writeFileSync(
    f,
    ['timestamp,ip,port,hostname,tag,asn,geo,banner', '2024-06-03 00:00:01,198.51.100.20,23,host.example,telnet,64496,NL,"login:"', '2024-06-03 00:00:02,198.51.100.21,23'].join('\n') + '\n',
  );
  const store = await openTestStore();
  const r = await ingestFile(store, f, { match });
  assert.ok(r.status === 'imported');
  assert.deepEqual([r.counts.records, r.counts.rejected, r.counts.shortRows], [2, 0, 1]);
  const [imp] = await store.listImports();
  assert.equal(imp!.shortRows, 1);
  await store.close();
});

test('the same file ingested twice at once is imported once, the other call told it is a duplicate', async () => {
  const f = join(tempDir(), 'twice.csv');
  writeFileSync(f, CLEAN + '\n');
  for (const lineByLine of [false, true]) {
    const store = await openTestStore();
    try {
      const both = await Promise.all([ingestFile(store, f, { match, lineByLine }), ingestFile(store, f, { match, lineByLine })]);
      assert.deepEqual(both.map((r) => r.status).sort(), ['duplicate', 'imported'], lineByLine ? 'line by line' : 'fast path');
      const imported = both.find((r) => r.status === 'imported')!;
      const dup = both.find((r) => r.status === 'duplicate')!;
      assert.equal(dup.status === 'duplicate' && dup.previous.id, imported.status === 'imported' && imported.importId);
      assert.equal(Number((await store.db.all(`SELECT count(*) AS n FROM flows`))[0]!.n), 4);
      assert.equal((await store.listImports()).length, 1);
    } finally {
      await store.close();
    }
  }
});
