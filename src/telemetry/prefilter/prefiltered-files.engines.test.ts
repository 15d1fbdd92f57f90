// The prefiltered files' records, written once, on DuckDB and ClickHouse (a node and a cluster): a file recorded
// with its span, moved, covered by later indicators, widened by flows a later read added, and an
// import recorded before files were.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { table } from '../../store/schema.js';
import { sql } from '../../store/sql.js';
import type { PrefilteredFile } from '../../store/store.js';
import { engines } from '../../../test/engines.js';
import { movePrefilteredFile, notePrefilteredAdded, notePrefilteredCovered, prefilteredImports, recordPrefilteredFile } from '../../store/prefiltered-files.js';

const at = (s: string) => Date.parse(s);
const file: PrefilteredFile = {
  path: '/data/flows-1.csv',
  size: 1234,
  mtimeMs: 1717200000000.5,
  read: { reader: 'lines', format: 'nfdump' },
  coveredThrough: 3,
  span: { from: at('2024-06-01T00:00:00Z'), to: at('2024-06-02T00:00:00Z') },
};

const all = await engines();
for (const engine of all) {
  test(`${engine.name}: prefiltered files recorded, moved, covered and widened`, { skip: engine.skip }, async () => {
    const d = await engine.open();
    try {
      const imp = (id: number, prefiltered: number | null) => ({
        id, kind: 'telemetry', format: 'nfdump', file: `flows-${id}.csv`, sha256: `s${id}`, imported_at: at('2024-06-03T00:00:00Z'),
        prefiltered, min_ts: at('2024-06-01T06:00:00Z'), max_ts: at('2024-06-01T18:00:00Z'),
      });
      await d.load(table('imports'), [imp(1, 900), imp(2, 50), imp(3, null)]);
      // The stored rows reach past the dropped ones' span at one end.
      await recordPrefilteredFile(d, 1, file, { minTs: new Date('2024-05-31T23:00:00Z'), maxTs: new Date('2024-06-01T12:00:00Z') });
      let got = await prefilteredImports(d);
      assert.deepEqual(got, [
        { importId: 1, file: 'flows-1.csv', sha256: 's1', prefiltered: 900, source: { ...file, span: { from: at('2024-05-31T23:00:00Z'), to: at('2024-06-02T00:00:00Z') } } },
        { importId: 2, file: 'flows-2.csv', sha256: 's2', prefiltered: 50, source: undefined },
      ]);
      await movePrefilteredFile(d, 1, { path: '/archive/flows-1.csv', size: 1234, mtimeMs: 1717300000000 });
      await notePrefilteredCovered(d, [1, 2], 7);
      await notePrefilteredCovered(d, [1], 5); // a cover never goes back
      got = await prefilteredImports(d);
      assert.deepEqual(got[0]!.source, { ...file, path: '/archive/flows-1.csv', mtimeMs: 1717300000000, coveredThrough: 7, span: got[0]!.source!.span });
      await notePrefilteredAdded(d, 1, 40, new Date('2024-06-01T01:00:00Z'), new Date('2024-06-01T12:00:00Z'));
      got = await prefilteredImports(d);
      assert.equal(got[0]!.prefiltered, 860);
      const row = await d.one<{ min_ts: Date; max_ts: Date; n: unknown }>(
        sql`SELECT min_ts, max_ts, count(*) AS n FROM imports WHERE id = 1 GROUP BY min_ts, max_ts`,
      );
      assert.deepEqual([row!.min_ts.toISOString(), row!.max_ts.toISOString(), Number(row!.n)], ['2024-06-01T01:00:00.000Z', '2024-06-01T18:00:00.000Z', 1]);
      assert.equal((await prefilteredImports(d)).length, 2, 'one row per import after the rewrites');
    } finally {
      await d.close();
    }
  });
}
