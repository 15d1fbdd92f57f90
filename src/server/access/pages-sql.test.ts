// The import pages, per-source indicator counts and the data version: the same assertions on
// DuckDB and on ClickHouse over loaded rows, then on the server's scenario store.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../../../test/engines.js';
import { buildScenario, HOSTILE } from '../../../test/server-scenario.js';
import { parseIp } from '../../core/ip.js';
import { replaceOwners } from '../../notify/owners-sql.js';
import { dataVersion } from '../../store/data-version.js';
import { writeMeta } from '../../store/meta.js';
import { table } from '../../store/schema.js';
import { importIntel } from '../../match/import.js';
import { importById, importPage, indicatorSources } from './pages-sql.js';

const ip = (s: string) => parseIp(s)!;
const all = await engines(['imports', 'indicators', 'sightings', 'owner_keys', 'owners', 'hosts', 'meta']);

const imp = (id: number, kind: string, file: string, records: number) => ({
  id, kind, format: 'csv', file, sha256: `h${id}`, imported_at: Date.parse('2024-06-01T00:00:00Z') + id * 1000, lines: records, records,
  framing: 0, rejected: id === 2 ? 1 : 0, duplicates: 0, examples: id === 2 ? JSON.stringify([{ line: 3, field: 'ts', reason: 'bad time', raw: '' }]) : '[]',
  skipped: '[]',
});
const indicator = (id: number, source: string, value: string) => ({ id, import_id: 1, source, type: 'ip', value, for_detection: true });
const sighting = (victim: string, indicatorId: number | null) => ({
  victim: ip(victim), indicator_id: indicatorId, kind: 'flow', import_id: 2, hour: Date.parse('2024-06-01T10:00:00Z'),
  first_seen: Date.parse('2024-06-01T10:00:00Z'), last_seen: Date.parse('2024-06-01T10:05:00Z'), events: 1,
});

for (const engine of all) {
  describe(engine.name, { skip: engine.skip }, () => {
    test('import pages: filter, allow-listed sort, paging, total; one import by id', async () => {
      const d = await engine.open();
      try {
        await d.load(table('imports'), [imp(1, 'intel', 'b-feed.csv', 3), imp(2, 'telemetry', 'a-flows.csv', 10), imp(3, 'intel', 'c-feed.csv', 1)]);
        const page = await importPage(d, { sort: 'id', dir: 'desc', limit: 2, offset: 0 });
        assert.deepEqual([page.rows.map((r) => r.id), page.total], [[3, 2], 3]);
        const intel = await importPage(d, { sort: 'file', dir: 'asc', limit: 5, offset: 0, kind: 'intel' });
        assert.deepEqual([intel.rows.map((r) => r.file), intel.total], [['b-feed.csv', 'c-feed.csv'], 2]);
        assert.deepEqual((await importPage(d, { sort: 'records', dir: 'desc', limit: 1, offset: 1 })).rows.map((r) => r.id), [1]);
        const beyond = await importPage(d, { sort: 'id', dir: 'asc', limit: 5, offset: 10 });
        assert.deepEqual([beyond.rows, beyond.total], [[], 3]);
        assert.deepEqual((await importPage(d, { sort: 'id', dir: 'asc', limit: 5, offset: 0, kind: "intel' OR 1=1 --" })).total, 0, 'the kind is a value');
        await assert.rejects(importPage(d, { sort: 'id; DROP TABLE imports' as 'id', dir: 'asc', limit: 1, offset: 0 }), /unknown sort/);
        await assert.rejects(importPage(d, { sort: 'id', dir: 'asc, 1' as 'asc', limit: 1, offset: 0 }), /unknown sort/);
        const two = await importById(d, 2);
        assert.deepEqual([two?.kind, two?.file, two?.examples[0]?.field, two?.importedAt.toISOString()], ['telemetry', 'a-flows.csv', 'ts', '2024-06-01T00:00:02.000Z']);
        assert.equal(await importById(d, 99), undefined);
      } finally {
        await d.close();
      }
    });

    test('per source: indicators, those matched, distinct victims', async () => {
      const d = await engine.open();
      try {
        await d.load(table('indicators'), [indicator(1, 'feed-a', '203.0.113.1'), indicator(2, 'feed-a', '203.0.113.2'), indicator(3, 'feed-a', '203.0.113.3'), indicator(4, 'feed-b', '203.0.113.4')]);
        await d.load(table('sightings'), [sighting('192.0.2.1', 1), sighting('192.0.2.2', 1), sighting('192.0.2.1', 2), sighting('192.0.2.1', 2), sighting('192.0.2.9', null)]);
        assert.deepEqual(await indicatorSources(d), [
          { source: 'feed-a', indicators: 3, matched: 2, victims: 2 },
          { source: 'feed-b', indicators: 1, matched: 0, victims: 0 },
        ]);
      } finally {
        await d.close();
      }
    });

    test('the data version changes with imports, owners, enrichment and devices, and only then', async () => {
      const d = await engine.open();
      try {
        const v0 = await dataVersion(d);
        assert.equal(await dataVersion(d), v0);
        await d.load(table('imports'), [imp(1, 'intel', 'feed.csv', 1)]);
        const v1 = await dataVersion(d);
        assert.notEqual(v1, v0, 'an import');
        await replaceOwners({ driver: d }, []);
        const v2 = await dataVersion(d);
        assert.notEqual(v2, v1, 'the contact database replaced, even by an empty one');
        await writeMeta(d, 'hosts_version', 'x');
        const v3 = await dataVersion(d);
        assert.notEqual(v3, v2, 'enrichment');
        await writeMeta(d, 'devices_version', '7');
        assert.notEqual(await dataVersion(d), v3, 'devices');
      } finally {
        await d.close();
      }
    });
  });
}

test('the scenario store: import pages, per-source counts and the data version', async () => {
  const { store } = await buildScenario();
  const d = store.driver;
  const p = await importPage(d, { sort: 'id', dir: 'desc', limit: 1, offset: 0 });
  assert.deepEqual([p.rows.map((r) => r.kind), p.total], [['telemetry'], 2]);
  assert.equal((await importPage(d, { sort: 'file', dir: 'asc', limit: 5, offset: 0, kind: 'intel' })).rows[0]!.file, HOSTILE.file);
  assert.equal((await importById(d, 2))?.examples[0]?.field, 'ts');
  assert.deepEqual(await indicatorSources(d), [{ source: 'advisory', indicators: 3, matched: 2, victims: 7 }]);
  const v1 = await dataVersion(d);
  await replaceOwners(store, []);
  const v2 = await dataVersion(d);
  assert.notEqual(v2, v1, 'owners changed');
  await importIntel(store, { meta: { kind: 'intel', format: 't', file: 'x', sha256: 'new' }, counts: { lines: 0, records: 0, framing: 0, rejected: 0, examples: [] }, indicators: [], warnings: [] }, { graceMs: 0 });
  assert.notEqual(await dataVersion(d), v2, 'an import changes it');
  await store.close();
});
