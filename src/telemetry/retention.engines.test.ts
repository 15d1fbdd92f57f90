// Retention, written once, on DuckDB and ClickHouse (a node and a cluster): what is kept and what goes, per table.
// Cut-offs at midnight UTC, where DuckDB's deletion to the millisecond and ClickHouse's dropped day
// partitions agree; a cut-off inside a day keeps that whole day on ClickHouse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../test/engines.js';
import { loadLookupFixture } from '../../test/lookup-fixture.js';
import { pruneRawTelemetry, rawTelemetrySpan } from './retention.js';

const all = await engines();
for (const engine of all) {
  test(`${engine.name}: the raw telemetry's span, and pruning it before a day`, { skip: engine.skip }, async () => {
    const d = await engine.open();
    try {
      const empty = await rawTelemetrySpan(d);
      assert.deepEqual(empty.map((s) => [s.kind, s.table, s.rows, s.oldest]), [
        ['flows', 'flows', 0, undefined],
        ['logs', 'dns', 0, undefined],
        ['logs', 'http', 0, undefined],
        ['logs', 'tls', 0, undefined],
        ['logs', 'alerts', 0, undefined],
      ]);
      await loadLookupFixture(d);
      const span = await rawTelemetrySpan(d);
      assert.deepEqual(span.slice(0, 2).map((s) => [s.table, s.rows, s.oldest?.toISOString(), s.newest?.toISOString()]), [
        ['flows', 7, '2024-05-31T20:00:00.000Z', '2024-07-02T10:00:00.000Z'],
        ['dns', 3, '2024-06-15T00:00:00.000Z', '2024-06-16T00:00:00.000Z'],
      ]);
      const pruned = await pruneRawTelemetry(d, { flows: new Date('2024-06-11T00:00:00Z'), logs: new Date('2024-06-16T00:00:00Z') });
      assert.deepEqual(pruned, [
        { table: 'flows', deleted: 4 },
        { table: 'dns', deleted: 1 },
        { table: 'http', deleted: 0 },
        { table: 'tls', deleted: 0 },
        { table: 'alerts', deleted: 0 },
      ]);
      const after = await rawTelemetrySpan(d);
      assert.deepEqual(after.slice(0, 2).map((s) => [s.table, s.rows, s.oldest?.toISOString()]), [
        ['flows', 3, '2024-06-11T10:00:00.000Z'],
        ['dns', 2, '2024-06-16T00:00:00.000Z'],
      ]);
      assert.deepEqual(await pruneRawTelemetry(d, { flows: new Date('2024-06-11T00:00:00Z') }), [{ table: 'flows', deleted: 0 }], 'again: nothing more');
    } finally {
      await d.close();
    }
  });
}
