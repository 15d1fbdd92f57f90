// On a real two-shard cluster: a statement's visibility tests written as a range of batches see
// the rows the subqueries see: those of no batch and of finished batches, not of a running one, a
// failed one, or one that finished after the range was read.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { clickHouseCluster } from '../../../test/clickhouse.js';
import { parseIp } from '../../core/ip.js';
import { EVENTS_TABLE } from '../conformance/driver-tables.js';
import { sql } from '../sql.js';
import { listDoneBatches } from './done-batches.js';
import type { ClickHouseDriver } from './driver.js';
import { openClickHouseDriver } from './open.js';

const cluster = await clickHouseCluster();
after(async () => {
  await cluster.endpoint?.stop();
});

const event = (importId: number) => ({ import_id: importId, ts: Date.UTC(2026, 2, 1), victim: parseIp(`192.0.2.${importId}`)!, detail: `import ${importId}` });

/** The import ids a statement with two visibility tests sees, as sent by the driver. */
async function seen(d: ClickHouseDriver): Promise<number[]> {
  const visible = (a: string) => d.dialect.visibleRows(sql.ident(a));
  const rows = await d.all<{ import_id: number }>(
    sql`SELECT e.import_id AS import_id FROM conf_events e WHERE ${visible('e')} AND e.import_id IN (SELECT x.import_id FROM conf_events x WHERE ${visible('x')})`,
  );
  return rows.map((r) => Number(r.import_id)).sort((a, b) => a - b);
}

test('visibility tests listed as a range see what the subqueries see', { skip: cluster.skip ?? false }, async () => {
  const d = await openClickHouseDriver(cluster.endpoint!.freshUrl(), { tables: [EVENTS_TABLE] });
  try {
    await d.load(EVENTS_TABLE, [event(1)]); // no batch
    await d.atomically(() => d.load(EVENTS_TABLE, [event(2)])); // finished
    await assert.rejects(
      d.atomically(async () => {
        await d.load(EVENTS_TABLE, [event(3)]);
        throw new Error('the import fails');
      }),
    );
    await d.atomically(() => d.load(EVENTS_TABLE, [event(4)])); // finished, after the failed one
    // A running import: its rows are written, its batch not finished.
    let finish!: () => void;
    const running = d.atomically(async () => {
      await d.load(EVENTS_TABLE, [event(5)]);
      await new Promise<void>((ok) => (finish = ok));
    });
    while (!finish) await new Promise((ok) => setTimeout(ok, 10));
    await d.atomically(() => d.load(EVENTS_TABLE, [event(6)])); // finished while 5 runs
    assert.deepEqual(await seen(d), [1, 2, 4, 6]);
    // The statement as sent lists the batches instead of reading them twice.
    const text = `SELECT 1 FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e')).render(d.dialect).text} AND ${d.dialect.visibleRows(sql.ident('x')).render(d.dialect).text}`;
    const listed = await listDoneBatches(d.layout.entry, text);
    assert.doesNotMatch(listed, /FROM `_batches`/);
    assert.match(listed, /NOT IN \(\d+/, 'the running and the failed batch are named');
    // One test alone is left as it is (reading the list would cost as much).
    const one = `SELECT 1 FROM conf_events e WHERE ${d.dialect.visibleRows(sql.ident('e')).render(d.dialect).text}`;
    assert.equal(await listDoneBatches(d.layout.entry, one), one);
    finish();
    await running;
    assert.deepEqual(await seen(d), [1, 2, 4, 5, 6]);
  } finally {
    await d.close();
  }
});
