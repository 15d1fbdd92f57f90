// ingest --prefilter on every engine: the same flows file, prefiltered into a DuckDB store, one on a
// ClickHouse node and one on a two-shard cluster, then read again for indicators imported later,
// gives the sightings, folds and census of a DuckDB store that kept every flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEngines } from '../../../test/engines.js';
import { tempDir } from '../../../test/tmp.js';
import { census } from '../../census/count.js';
import { importIntelFile } from '../../intel/import.js';
import { prefilteredImports } from '../../store/prefiltered-files.js';
import { sql } from '../../store/sql.js';
import type { Store } from '../../store/store.js';
import { ingestFile } from '../ingest.js';

const engines = await testEngines({ cluster: true });
const match = { graceMs: 86_400_000 };
const dir = tempDir();

const HEADER = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
const flow = (src: string, dst: string, hour: number, dport = 443) =>
  `2024-06-01 ${String(hour).padStart(2, '0')}:00:00.000,1.5,TCP,${src},40000,${dst},${dport},10,1000,1`;

/** Lines 2..61: a few near the first indicators, IPv4 and IPv6 far from them, some near the later ones. */
const lines = [HEADER];
for (let n = 0; n < 60; n++) {
  const h = n % 24;
  if (n % 12 === 0) lines.push(flow(`192.0.2.${n + 1}`, '203.0.113.10', h)); // matches the first indicators
  else if (n % 12 === 5) lines.push(flow(`2001:db8::${n.toString(16)}`, '2001:db8::bad', h)); // matches, IPv6
  else if (n % 12 === 7) lines.push(flow(`198.51.100.${n + 100}`, '192.0.2.200', h)); // near the CIDR, outside it
  else if (n % 12 === 3) lines.push(flow(`100.65.${n}.2`, '100.64.3.1', h)); // dropped; matches a later indicator
  else if (n % 12 === 9) lines.push(flow(`2001:db8:${n}::2`, '2001:db8:77::5', h)); // dropped; matches a later IPv6 indicator
  else lines.push(n % 2 ? flow(`100.65.${n}.2`, `100.66.${n}.1`, h) : flow(`2001:db8:${n}::1`, `2001:db8:${n + 1000}::1`, h)); // far from all
}
const flows = join(dir, 'flows.csv');
writeFileSync(flows, lines.join('\n') + '\n');
const firstIntel = join(dir, 'first.txt');
writeFileSync(firstIntel, ['203.0.113.10', '198.51.100.0/26', '2001:db8::bad'].join('\n') + '\n');
const laterIntel = join(dir, 'later.txt');
writeFileSync(laterIntel, ['100.64.3.1', '2001:db8:77::5'].join('\n') + '\n');

/** What a reader sees: sightings by indicator value, the victim fold, the census by family. */
async function state(store: Store) {
  const d = store.driver;
  const visible = (a: string) => d.dialect.visibleRows(sql.ident(a));
  const values = new Map(
    (await d.all<{ id: unknown; value: string }>(sql`SELECT i.id AS id, i.value AS value FROM indicators i WHERE ${visible('i')}`)).map((r) => [Number(r.id), r.value]),
  );
  const sightings = (
    await d.all<Record<string, unknown>>(
      sql`SELECT s.victim AS victim, s.indicator_id AS indicator, s.kind AS kind, s.first_line AS first_line, s.events AS events, s.to_indicator AS to_indicator
          FROM sightings s WHERE ${visible('s')}`,
    )
  ).map((r) => ({ ...r, indicator: values.get(Number(r.indicator)) }));
  const folded = await d.all<Record<string, unknown>>(sql`SELECT v.victim AS victim, v.grade AS grade, v.events AS events FROM victim_fold v WHERE ${visible('v')} AND v.grade > 0`);
  // Booleans as 1 or 0 on both engines.
  const text = (rows: Record<string, unknown>[]) => rows.map((r) => Object.values(r).map((v) => String(typeof v === 'boolean' ? Number(v) : v)).join(' ')).sort();
  return {
    sightings: text(sightings),
    victimFold: text(folded),
    census: JSON.stringify(await census(store, { by: 'family', measure: 'cumulative', top: 10 })),
  };
}

/** The answers of a DuckDB store that stored every flow: what prefiltering must not change. */
const everyFlow = await (async () => {
  const store = await engines[0]!.open();
  try {
    await importIntelFile(store, firstIntel, { source: 'first', match });
    const r = await ingestFile(store, flows, { match, lineByLine: true });
    assert.ok(r.status === 'imported' && r.counts.records === 60);
    const before = await state(store);
    await importIntelFile(store, laterIntel, { source: 'later', match });
    return { before, after: await state(store) };
  } finally {
    await store.close();
  }
})();

for (const engine of engines) {
  test(`${engine.name}: ingest --prefilter stores the flows near an indicator, and later indicators have the file read again`, { skip: engine.skip }, async () => {
    const store = await engine.open();
    try {
      await importIntelFile(store, firstIntel, { source: 'first', match });
      const r = await ingestFile(store, flows, { match, prefilter: true });
      assert.ok(r.status === 'imported');
      // 5 near the first indicators (one in twelve each: lines 0, 5, 7) of 60, the rest checked and counted.
      assert.equal(r.counts.records, 60);
      assert.equal(r.counts.prefiltered, 45);
      const stored = async () => Number((await store.driver.one<{ n: unknown }>(sql`SELECT count(*) AS n FROM flows f WHERE ${store.driver.dialect.visibleRows(sql.ident('f'))}`))!.n);
      assert.equal(await stored(), 15);
      assert.deepEqual(await state(store), everyFlow.before);

      const later = await importIntelFile(store, laterIntel, { source: 'later', match });
      assert.ok(later.status === 'imported');
      assert.deepEqual([later.rescan!.files, later.rescan!.flows, later.rescan!.skipped], [1, 10, []]);
      assert.equal(await stored(), 25);
      assert.deepEqual(await state(store), everyFlow.after);
      const [imp] = await prefilteredImports(store.driver);
      assert.equal(imp!.prefiltered, 35);
      // The scan read the file, and the lines it kept were loaded (DuckDB) or parsed (ClickHouse).
      assert.equal(imp!.source!.read.reader, 'scan');
      assert.equal(imp!.source!.coveredThrough, later.importId);

      // Nothing changes on a second import of the file, or a second read for the same indicators.
      assert.equal((await ingestFile(store, flows, { match, prefilter: true })).status, 'duplicate');
      const again = await importIntelFile(store, laterIntel, { source: 'later', match });
      assert.equal(again.status, 'duplicate');
      assert.equal(await stored(), 25);
      assert.deepEqual(await state(store), everyFlow.after);
    } finally {
      await store.close();
    }
  });
}

for (const engine of engines) {
  test(`${engine.name}: a malformed line the prefilter keeps has the file read line by line, which names it`, { skip: engine.skip }, async () => {
    const store = await engine.open();
    try {
      await importIntelFile(store, firstIntel, { source: 'first', match });
      const bad = join(dir, 'bad-flows.csv');
      // Line 62: near an indicator, with a month 13.
      writeFileSync(bad, [...lines, flow('192.0.2.250', '203.0.113.10', 5).replace('2024-06-01', '2024-13-01')].join('\n') + '\n');
      const r = await ingestFile(store, bad, { match, prefilter: true });
      assert.ok(r.status === 'imported');
      assert.deepEqual([r.counts.records, r.counts.rejected, r.counts.prefiltered], [60, 1, 45]);
      assert.deepEqual([r.counts.examples[0]!.line, r.counts.examples[0]!.field], [62, 'firstSeen']);
      const [imp] = await prefilteredImports(store.driver);
      assert.equal(imp!.source!.read.reader, 'lines');
      assert.deepEqual((await state(store)).sightings, everyFlow.before.sightings);
    } finally {
      await store.close();
    }
  });
}
