// The demo (npm start) built on DuckDB and on a real two-shard ClickHouse 18.16 cluster: the same
// seeded scenario, run through the same pipeline, gives the same census, row for row.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { clickHouseCluster } from '../../test/clickhouse.js';
import { tempDir } from '../../test/tmp.js';
import { runCensus } from '../census/census.js';
import type { CensusDimension, Measure } from '../store/store.js';
import { openStore, storeLocation, type StoreLocation } from '../store/open.js';
import { runDemo } from './run.js';

const cluster = await clickHouseCluster();
after(async () => {
  await cluster.endpoint?.stop();
});

const quiet = { log: () => undefined, step: () => undefined };
const demo = (store: StoreLocation, dir: string) => runDemo({ store, dir, seed: 7, scale: 0.003, coverage: 0.5, ...quiet });

/** Every census the demo's store answers, by country, AS and device type, for the three measures. */
async function censuses(loc: StoreLocation) {
  const { store } = await openStore(loc);
  try {
    const out: Record<string, unknown> = {};
    for (const by of ['country', 'asn', 'device'] as CensusDimension[]) {
      for (const measure of ['active', 'window', 'cumulative'] as Measure[]) {
        const r = await runCensus(store, { by, measure, top: 1000 });
        out[`${by} ${measure}`] = { window: r.window, headline: r.headline, rows: r.result.rows };
      }
    }
    return out;
  } finally {
    await store.close();
  }
}

test('the demo on a ClickHouse cluster gives the census DuckDB gives, row for row', { skip: cluster.skip }, async () => {
  const dir = tempDir();
  const duck: StoreLocation = { engine: 'duckdb', path: join(dir, 'demo.duckdb') };
  const ch = storeLocation(cluster.endpoint!.freshUrl());
  const onDuck = await demo(duck, join(dir, 'files-duckdb'));
  const onCluster = await demo(ch, join(dir, 'files-clickhouse'));
  assert.ok(onDuck.active.headline.active > 100, `a demo with victims: ${onDuck.active.headline.active}`);
  assert.deepEqual(onCluster.active, onDuck.active);
  assert.deepEqual(onCluster.comparison, onDuck.comparison);
  const expected = await censuses(duck);
  assert.ok((expected['asn cumulative'] as { rows: unknown[] }).rows.length > 5);
  assert.deepEqual(await censuses(ch), expected);

  // The demo never writes into a database that holds something.
  await assert.rejects(demo(ch, join(dir, 'files-again')), /empty store, and .* holds imports already: name a new database/);
});
