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
