// The indicator listing, written once, on DuckDB and ClickHouse (a node and a cluster): each indicator with the
// warninglists it is on (a block holding its whole range, a name it lies under) and its victims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../test/engines.js';
import { loadLookupFixture } from '../../test/lookup-fixture.js';
import { listIndicators } from './indicators-sql.js';

const all = await engines();
const results = new Map<string, unknown>();

for (const engine of all) {
  test(`${engine.name}: indicators with their warninglists and victims, filtered and paged`, { skip: engine.skip }, async () => {
    const d = await engine.open();
    try {
      assert.deepEqual(await listIndicators(d, {}), []);
      await loadLookupFixture(d);
      const rows = await listIndicators(d, {});
      results.set(engine.name, JSON.parse(JSON.stringify(rows)));
      assert.deepEqual(
        rows.map((r) => [r.id, r.value, r.warnings, r.victims, r.forDetection]),
        [
          [1, '198.51.100.7:443', [], 1, true],
          [2, '203.0.113.0/24', [], 0, true],
          [3, 'c2.example', [], 1, true],
          [4, '192.0.2.99', [], 0, false],
          [5, '198.51.100.200', ['Test blocks'], 0, true],
          [6, 'x.cdn.example', ['Test names'], 0, true],
          [7, '2001:db8::/32', [], 0, true],
        ],
      );
      assert.equal(rows[0]!.firstSeen?.toISOString(), '2024-06-01T00:00:00.000Z');
      assert.deepEqual((await listIndicators(d, { type: 'domain' })).map((r) => r.id), [3, 6]);
      assert.deepEqual((await listIndicators(d, { source: 'feed' })).map((r) => r.id), [7]);
      const page = await listIndicators(d, { limit: 5 });
      assert.deepEqual(page.map((r) => [r.id, r.warnings]), rows.slice(0, 5).map((r) => [r.id, r.warnings]));
    } finally {
      await d.close();
    }
  });
}

test('every engine lists the indicators DuckDB lists', { skip: all.find((e) => e.skip)?.skip }, () => {
  for (const e of all.slice(1)) assert.deepEqual(results.get(e.name), results.get('DuckDB'), e.name);
});
