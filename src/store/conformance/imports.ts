// Imports are all or nothing, found again by their content hash, and change nothing when repeated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConformanceTarget } from './index.js';
import { counts, flow, grace, ind, ingest, intel, meta, scenario } from './records.js';
import { importIntel, importTelemetry } from '../../match/import.js';
import { listIndicators } from '../../intel/indicators-sql.js';
import { census } from '../../census/count.js';
import { victims } from '../../census/victims.js';

export function importSuite({ name, open }: ConformanceTarget): void {
  test(`${name}: a telemetry import that fails midway, or fails its check, leaves the store unchanged`, async () => {
    const store = await scenario(await open());
    const before = await census(store, { by: 'country', measure: 'cumulative', top: 10 });
    const imports = await store.listImports();
    const listed = await victims(store, {});
    await assert.rejects(
      importTelemetry(store, meta('telemetry'), async (write) => {
        await write([flow('192.0.3.9', '203.0.113.10', '2024-06-10T10:00:00Z')]);
        throw new Error('disk on fire');
      }, () => undefined, grace),
      /disk on fire/,
    );
    await assert.rejects(
      importTelemetry(store, meta('telemetry'), async (write) => {
        await write([flow('192.0.3.9', '203.0.113.10', '2024-06-10T10:00:00Z')]);
        return { ...counts(1), rejected: 1 };
      }, (c) => {
        if (c.rejected) throw new Error('strict');
      }, grace),
      /strict/,
    );
    assert.deepEqual(await census(store, { by: 'country', measure: 'cumulative', top: 10 }), before);
    assert.deepEqual(await store.listImports(), imports);
    assert.deepEqual(await victims(store, {}), listed);
    await store.close();
  });

  test(`${name}: an import is recorded with its counts and found again by its content hash`, async () => {
    const store = await open();
    const m = meta('telemetry');
    assert.equal(await store.findImport(m.sha256, 'telemetry'), undefined);
    const out = await ingest(store, [flow('192.0.3.1', '203.0.113.10', '2024-06-10T10:00:00Z'), flow('192.0.3.2', '203.0.113.10', '2024-06-10T11:00:00Z')], m);
    const found = await store.findImport(m.sha256, 'telemetry');
    assert.equal(found?.id, out.importId);
    assert.deepEqual([found!.file, found!.lines, found!.records, found!.rejected], [m.file, 2, 2, 0]);
    assert.equal(await store.findImport(m.sha256, 'intel'), undefined, 'per kind');
    await store.close();
  });

  test(`${name}: the same indicators from another file leave the census and the victims as they were`, async () => {
    const store = await open();
    await ingest(store, [flow('192.0.3.1', '203.0.113.10', '2024-06-10T10:00:00Z'), flow('203.0.113.10', '192.0.3.1', '2024-06-10T10:00:01Z')]);
    assert.equal((await intel(store, [ind('ip', '203.0.113.10')])).sightings, 1); // both directions in one hour: one sighting
    const counted = await census(store, { by: 'country', measure: 'cumulative', top: 10 });
    const shape = async () => (await victims(store, {})).map((v) => [v.ip, v.grade, v.indicators, v.firstSeen.getTime(), v.lastSeen.getTime()]);
    const before = await shape();
    await intel(store, [ind('ip', '203.0.113.10')], 'second-source');
    assert.deepEqual(await census(store, { by: 'country', measure: 'cumulative', top: 10 }), counted);
    assert.deepEqual(await shape(), before);
    await store.close();
  });

  test(`${name}: an intel feed in batches folds its repeats as one file does; failing midway or its check, it leaves nothing`, async () => {
    const store = await scenario(await open());
    const imports = await store.listImports();
    const indicators = await listIndicators(store.driver, {});
    const batches = [
      [ind('ip', '198.51.100.1', { tags: ['a'], line: 1 }), ind('domain', 'feed.example', { line: 2 })],
      [ind('ip', '198.51.100.1', { tags: ['b'], line: 3 }), ind('ip', '198.51.100.2', { line: 4 })],
    ];
    const feedOf = (fail?: string) => async (write: (r: ReturnType<typeof ind>[]) => Promise<void>) => {
      for (const b of batches) await write(b);
      if (fail) throw new Error(fail);
      return counts(4);
    };
    const m = meta('intel', 'feed');
    await assert.rejects(importIntel(store, { meta: m, counts: counts(0), indicators: [], warnings: [], feed: feedOf('disk on fire') }, grace), /disk on fire/);
    await assert.rejects(
      importIntel(store, { meta: m, counts: counts(0), indicators: [], warnings: [], feed: feedOf(), check: (c) => { if (c.duplicates) throw new Error('strict'); } }, grace),
      /strict/,
    );
    assert.deepEqual(await store.listImports(), imports);
    assert.deepEqual(await listIndicators(store.driver, {}), indicators);
    await importIntel(store, { meta: m, counts: counts(0), indicators: [], warnings: [], feed: feedOf() }, grace);
    const row = await store.findImport(m.sha256, 'intel');
    assert.deepEqual([row?.records, row?.duplicates], [3, 1]);
    const fed = (await listIndicators(store.driver, { source: 'feed' })).map((i) => [i.type, i.value, i.tags]).sort();
    assert.deepEqual(fed, [['domain', 'feed.example', []], ['ip', '198.51.100.1', ['a', 'b']], ['ip', '198.51.100.2', []]]);
    await store.close();
  });
}
