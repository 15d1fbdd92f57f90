// Parquet flow files on every engine: DuckDB reads them itself; a store on ClickHouse (a node, a
// two-shard cluster) has an embedded DuckDB convert them and writes the flows through its driver.
// The same rows, sightings and census either way; --prefilter and the read again for later
// indicators too; a bad value names its row and column, and stores nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { testEngines } from '../../test/engines.js';
import { tempDir } from '../../test/tmp.js';
import { BotcensusError } from '../core/errors.js';
import { census } from '../census/count.js';
import { importIntelFile } from '../intel/import.js';
import { sql } from '../store/sql.js';
import type { Store } from '../store/store.js';
import { ingestFile } from './ingest.js';

const engines = await testEngines({ cluster: true });
const match = { graceMs: 86_400_000 };
const dir = tempDir();

async function duck(q: string): Promise<void> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  await c.run(q);
  c.closeSync();
  inst.closeSync();
}

// 40 rows: every fourth to the first indicator, every fourth (offset 2) to a later one, the rest far
// from both; IPv6 on odd rows; a few without ports or bytes.
const flows = join(dir, 'flows.parquet');
await duck(`COPY (SELECT TIMESTAMP '2024-06-01 00:00:00' + INTERVAL (i * 17) MINUTE AS firstSeen, 1.5 AS duration,
                  CASE WHEN i % 5 = 0 THEN 'UDP' ELSE 'TCP' END AS proto,
                  CASE WHEN i % 2 = 1 THEN '2001:db8:' || (100 + i) || '::1' ELSE '100.65.' || i || '.2' END AS srcAddr,
                  CASE WHEN i % 7 = 0 THEN NULL ELSE 40000 + i END AS srcPort,
                  CASE WHEN i % 4 = 0 THEN '203.0.113.10' WHEN i % 4 = 2 THEN '100.64.3.1'
                       WHEN i % 2 = 1 THEN '2001:db8:' || (900 + i) || '::1' ELSE '100.66.' || i || '.1' END AS dstAddr,
                  443 AS dstPort, 10 + i AS packets, CASE WHEN i % 9 = 0 THEN NULL ELSE 1000 * i END AS bytes
             FROM range(0, 40) t(i)) TO '${flows}' (FORMAT parquet)`);
const bad = join(dir, 'bad.parquet');
await duck(`COPY (SELECT * FROM (VALUES (TIMESTAMP '2024-06-01 10:00:00', '192.0.2.9', '203.0.113.10'), (TIMESTAMP '2024-06-01 10:00:01', '192.0.2.999', '203.0.113.10'))
            t(ts, src, dst)) TO '${bad}' (FORMAT parquet)`);
const firstIntel = join(dir, 'first.txt');
writeFileSync(firstIntel, '203.0.113.10\n');
const laterIntel = join(dir, 'later.txt');
writeFileSync(laterIntel, '100.64.3.1\n');

/** The stored flows and sightings as text, and the census by family. */
async function state(store: Store) {
  const d = store.driver;
  const visible = (a: string) => d.dialect.visibleRows(sql.ident(a));
  const ms = (c: string) => d.dialect.epochMs(sql.raw(c));
  const text = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r).map((v) => String(typeof v === 'boolean' ? Number(v) : v)).join(' ')).sort();
  return {
    flows: text(
      await d.all(sql`SELECT f.line, ${ms('f.ts')} AS ts, ${ms('f.te')} AS te, f.src, f.dst, f.sport, f.dport, f.proto, f.bytes, f.packets FROM flows f WHERE ${visible('f')}`),
    ),
    sightings: text(await d.all(sql`SELECT s.victim, s.kind, s.first_line, s.events, s.bytes FROM sightings s WHERE ${visible('s')}`)),
    census: JSON.stringify(await census(store, { by: 'family', measure: 'cumulative', top: 10 })),
  };
}

/** What a DuckDB store that read every row says, before and after the later indicator. */
const everyRow = await (async () => {
  const store = await engines[0]!.open();
  try {
    await importIntelFile(store, firstIntel, { source: 'first', match });
    const r = await ingestFile(store, flows, { match });
    assert.ok(r.status === 'imported' && r.fast && r.counts.records === 40);
    const before = await state(store);
    await importIntelFile(store, laterIntel, { source: 'later', match });
    return { before, after: await state(store) };
  } finally {
    await store.close();
  }
})();

for (const engine of engines) {
  test(`${engine.name}: a Parquet flow file imports as on DuckDB, and a bad value names its row and column`, { skip: engine.skip }, async () => {
    const store = await engine.open();
    try {
      await importIntelFile(store, firstIntel, { source: 'first', match });
      const r = await ingestFile(store, flows, { match });
      assert.ok(r.status === 'imported');
      assert.deepEqual([r.format, r.counts.lines, r.counts.records, r.counts.rejected, r.sightings], ['parquet', 40, 40, 0, 10]);
      assert.deepEqual(await state(store), everyRow.before);
      assert.equal((await ingestFile(store, flows, { match })).status, 'duplicate');
      await importIntelFile(store, laterIntel, { source: 'later', match });
      assert.deepEqual(await state(store), everyRow.after);

      const failed = await ingestFile(store, bad, { match }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(failed instanceof BotcensusError, String(failed));
      assert.deepEqual([failed.code, failed.where.line, failed.where.field], ['BAD_INPUT', 2, 'src']);
      assert.match(failed.message, /not an IP address: "192\.0\.2\.999"/);
      assert.equal((await store.listImports()).filter((i) => i.file === bad).length, 0);
      assert.deepEqual(await state(store), everyRow.after);
    } finally {
      await store.close();
    }
  });

  test(`${engine.name}: ingest --prefilter of a Parquet file, read again for a later indicator`, { skip: engine.skip }, async () => {
    const store = await engine.open();
    try {
      await importIntelFile(store, firstIntel, { source: 'first', match });
      const r = await ingestFile(store, flows, { match, prefilter: true });
      assert.ok(r.status === 'imported');
      assert.deepEqual([r.counts.records, r.counts.prefiltered], [40, 30]);
      const before = await state(store);
      assert.deepEqual(before.sightings, everyRow.before.sightings);
      assert.equal(before.flows.length, 10);
      const later = await importIntelFile(store, laterIntel, { source: 'later', match });
      assert.ok(later.status === 'imported');
      assert.deepEqual([later.rescan!.files, later.rescan!.flows, later.rescan!.skipped], [1, 10, []]);
      const after = await state(store);
      assert.deepEqual(after.sightings, everyRow.after.sightings);
      assert.deepEqual(after.census, everyRow.after.census);
      assert.equal(after.flows.length, 20);
    } finally {
      await store.close();
    }
  });
}
