// The same test on both engines: a DuckDB store in a scratch folder and a new database on a
// ClickHouse node (test/clickhouse.ts), both enriching from the small geo fixture. A test loops
// over `engines` and runs its assertions on each; without clickhouse-server the ClickHouse case
// is reported skipped with the reason.
import { after } from 'node:test';
import type { Store } from '../src/store/store.js';
import { openStore, storeLocation } from '../src/store/open.js';
import { clickHouseNode } from './clickhouse.js';
import { join } from 'node:path';
import type { GeoSource } from '../src/core/geo-data.js';
import { FIXTURE_GEO } from './store.js';
import { tempDir } from './tmp.js';

export interface Engine {
  name: string;
  /** The reason the engine's tests are skipped, if they are. */
  skip?: string;
  /** A new, empty store (enriching from `geo`, by default the small geo fixture). */
  open(geo?: GeoSource): Promise<Store>;
  /** The store location a command line names (`--store`), for a new store. */
  location?(): string;
}

/** DuckDB, and a ClickHouse node started for this test file (stopped when its tests end). */
export async function testEngines(): Promise<Engine[]> {
  const node = await clickHouseNode();
  after(() => node.endpoint?.stop());
  const ch: Engine = node.skip
    ? { name: 'ClickHouse', skip: node.skip, open: () => Promise.reject(new Error(node.skip)) }
    : {
        name: 'ClickHouse',
        location: () => node.endpoint!.freshUrl(),
        open: async (geo = FIXTURE_GEO) => (await openStore(storeLocation(node.endpoint!.freshUrl()), { create: true, geo })).store,
      };
  return [{ name: 'DuckDB', open: async (geo = FIXTURE_GEO) => (await openStore({ engine: 'duckdb', path: join(tempDir(), 'test.duckdb') }, { create: true, geo, threads: 2 })).store }, ch];
}
