// The engines a stage's queries are written for, for tests that run the same assertions on each:
// a DuckDB store and, where clickhouse-server is installed, a ClickHouse node and a two-shard
// cluster (test/clickhouse.ts).
// Each `open()` gives an empty store's driver with every shared table. Such tests are named
// `*.engines.test.ts`: .ci/run runs them again with the ClickHouse statements logged, for chdb.
import { after } from 'node:test';
import { join } from 'node:path';
import type { Driver } from '../src/store/driver.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { openClickHouseDriver } from '../src/store/clickhouse/open.js';
import { clickHouseCluster, clickHouseNode } from './clickhouse.js';
import { tempDir } from './tmp.js';

export interface Engine {
  name: string;
  /** Why this engine's tests are skipped (no server binary), if they are. */
  skip?: string;
  open(): Promise<Driver>;
}

/**
 * DuckDB, one ClickHouse node and a two-shard ClickHouse cluster; the servers are started once per
 * test file and stopped after it.
 */
export async function engines(): Promise<Engine[]> {
  const [node, cluster] = await Promise.all([clickHouseNode(), clickHouseCluster()]);
  after(async () => {
    await node.endpoint?.stop();
    await cluster.endpoint?.stop();
  });
  return [
    { name: 'DuckDB', open: async () => (await DuckDbStore.open(join(tempDir(), 'store.duckdb'), { threads: 2 })).driver },
    { name: 'ClickHouse', skip: node.skip, open: () => openClickHouseDriver(node.endpoint!.freshUrl()) },
    { name: 'ClickHouse cluster', skip: cluster.skip, open: () => openClickHouseDriver(cluster.endpoint!.freshUrl()) },
  ];
}
