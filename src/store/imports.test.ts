// The store's bookkeeping of imports (imports.ts), the same assertions on DuckDB and ClickHouse:
// an import is found and listed only once complete, its counts and time range are written when it
// finishes, and an import that fails inside its `atomically` leaves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testEngines } from '../../test/engines.js';
import { table } from './schema.js';
import type { ImportMeta } from './store.js';
import { sql } from './sql.js';

const engines = await testEngines();
const META: ImportMeta = { kind: 'telemetry', format: 'zgrab2', file: 'scan.jsonl', sha256: 'ab'.repeat(32), source: 'lab', sensor: "it's \\ tricky" };
const T0 = Date.UTC(2026, 2, 1, 12);

for (const e of engines) {
  test(`${e.name}: an import is registered, finished with its counts and range, found and listed`, { skip: e.skip ?? false }, async () => {
    const store = await e.open();
    try {
      const d = store.driver;
      assert.equal(await store.findImport(META.sha256, 'telemetry'), undefined);
      const id = await d.atomically(async () => {
        const id = await store.beginImport(META, { duplicates: 2 });
        await store.finishImport(id, { lines: 10, records: 8, framing: 1, rejected: 1, examples: [{ line: 3, field: 'ip', reason: 'not an address', raw: 'x' }], prefiltered: 4 }, { min: T0, max: T0 + 5000 });
        return id;
      });
      const second = await store.beginImport({ ...META, sha256: 'cd'.repeat(32), kind: 'kev', format: 'kev' }, { lines: 3, records: 3 });
      assert.ok(second > id, 'ids grow');
      const r = await store.findImport(META.sha256, 'telemetry');
      assert.ok(r);
      assert.equal(r.id, id);
      assert.equal(r.sensor, META.sensor);
      assert.equal(r.source, 'lab');
      assert.deepEqual([r.lines, r.records, r.framing, r.rejected, r.duplicates, r.prefiltered], [10, 8, 1, 1, 2, 4]);
      assert.deepEqual(r.examples, [{ line: 3, field: 'ip', reason: 'not an address', raw: 'x' }]);
      assert.deepEqual(r.skipped, []);
      assert.equal(r.minTs?.getTime(), T0);
      assert.equal(r.maxTs?.getTime(), T0 + 5000);
      assert.ok(Math.abs(r.importedAt.getTime() - Date.now()) < 60_000);
      assert.equal(r.shortRows, undefined);
      assert.equal(await store.findImport(META.sha256, 'intel'), undefined, 'the kind is part of the key');
      const all = await store.listImports();
      assert.deepEqual(all.map((x) => [x.id, x.kind, x.records]), [[id, 'telemetry', 8], [second, 'kev', 3]]);
      // A finished import is one row, not the registered one beside it.
      const n = await d.one<{ n: bigint | number }>(sql`SELECT count(*) AS n FROM imports WHERE id = ${id}`);
      assert.equal(Number(n!.n), 1);
    } finally {
      await store.close();
    }
  });

  test(`${e.name}: an import that fails leaves no row; the last indicator import is the newest that stored indicators`, { skip: e.skip ?? false }, async () => {
    const store = await e.open();
    try {
      const d = store.driver;
      assert.equal(await store.lastIndicatorImport(), 0);
      await assert.rejects(
        d.atomically(async () => {
          await store.beginImport(META);
          throw new Error('bad line');
        }),
        /bad line/,
      );
      assert.equal(await store.findImport(META.sha256, 'telemetry'), undefined);
      assert.deepEqual(await store.listImports(), []);
      await d.load(table('indicators'), [3, 7].map((importId, i) => ({ id: i + 1, import_id: importId, source: 's', type: 'ip', value: `192.0.2.${i}`, tags: [], for_detection: true })));
      assert.equal(await store.lastIndicatorImport(), 7);
    } finally {
      await store.close();
    }
  });
}

for (const e of engines) {
  test(`${e.name}: a second import of the same file is refused and undone, also when both run at once`, { skip: e.skip ?? false }, async () => {
    const store = await e.open();
    try {
      const d = store.driver;
      const events = table('flows');
      const importOf = (tag: number) =>
        d.atomically(async () => {
          const id = await store.beginImport(META);
          await d.load(events, [{ import_id: id, line: tag, ts: T0, src: 1n, dst: 2n, proto: 'tcp', sport: 1, dport: 2, packets: 1, bytes: 1 }]);
          return id;
        });
      const first = await importOf(1);
      await assert.rejects(importOf(2), (err: Error & { code?: string }) => err.code === 'IMPORTED_MEANWHILE');
      // Two at once: the later waits for the earlier and is refused once it is done.
      const again = { ...META, sha256: 'ef'.repeat(32) };
      const race = (tag: number) =>
        d.atomically(async () => {
          const id = await store.beginImport(again);
          await d.load(events, [{ import_id: id, line: tag, ts: T0, src: 1n, dst: 2n, proto: 'tcp', sport: 1, dport: 2, packets: 1, bytes: 1 }]);
          return id;
        });
      const outcomes = await Promise.allSettled([race(3), race(4)]);
      assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal((refused.reason as { code?: string }).code, 'IMPORTED_MEANWHILE');
      const kept = await d.all<{ line: number | bigint }>(sql`SELECT f.line FROM flows f WHERE ${d.dialect.visibleRows(sql.ident('f'))} ORDER BY f.line`);
      assert.equal(kept.length, 2, 'one row of each file');
      assert.equal(Number(kept[0]!.line), 1);
      assert.deepEqual((await store.listImports()).map((x) => x.id).sort((a, b) => a - b), [first, (outcomes.find((o) => o.status === 'fulfilled') as PromiseFulfilledResult<number>).value].sort((a, b) => a - b));
    } finally {
      await store.close();
    }
  });
}
