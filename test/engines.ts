// The engines a stage's queries are written for, for tests that run the same assertions on each:
// DuckDB and, where clickhouse-server is installed, a ClickHouse node (test/clickhouse.ts starts
// it, or takes it from the environment). Each `open()` gives an empty store's driver: with the
// tables the test names, or with every shared table. Such tests are named `*.engines.test.ts`:
// .ci/run runs them again with the ClickHouse statements logged, for chdb. `testEngines()` gives
// whole stores instead, for tests through the Store contract and the commands.
import { after } from 'node:test';
import { join } from 'node:path';
import type { Driver } from '../src/store/driver.js';
import { Db } from '../src/store/duckdb/connection.js';
import { DuckDbDriver } from '../src/store/duckdb/driver.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { createTableSql } from '../src/store/duckdb/migrate.js';
import { openClickHouseDriver } from '../src/store/clickhouse/open.js';
import { table, type Table } from '../src/store/schema.js';
import { clickHouseCluster, clickHouseNode, type ClickHouseForTests } from './clickhouse.js';
import { tempDir } from './tmp.js';
import type { Store } from '../src/store/store.js';
import { openStore, storeLocation } from '../src/store/open.js';
import type { GeoSource } from '../src/core/geo-data.js';
import { FIXTURE_GEO } from './store.js';

export interface Engine {
  name: string;
  /** Why this engine's tests are skipped (no clickhouse-server), never passed. */
  skip?: string;
  /** A new empty store on this engine. */
  open(): Promise<Driver>;
}

/** DuckDB and one ClickHouse node; the node is started once per test file and stopped after it. */
export async function engines(tableNames?: readonly string[]): Promise<Engine[]> {
  const tables: Table[] | undefined = tableNames?.map(table);
  const node = await clickHouseNode();
  after(async () => {
    await node.endpoint?.stop();
  });
  return [
    {
      name: 'DuckDB',
      async open() {
        if (!tables) return (await DuckDbStore.open(join(tempDir(), 'store.duckdb'), { threads: 2 })).driver;
        const db = await Db.open(':memory:', 1);
        for (const t of tables) await db.run(createTableSql(t));
        return new DuckDbDriver(db);
      },
    },
    {
      name: 'ClickHouse',
      ...(node.skip ? { skip: node.skip } : {}),
      open: () => openClickHouseDriver(node.endpoint!.freshUrl(), tables ? { tables } : {}),
    },
  ];
}

/** A whole store on an engine, for tests of commands and of the Store contract. */
export interface StoreEngine {
  name: string;
  /** The reason the engine's tests are skipped, if they are. */
  skip?: string;
  /** A new, empty store (enriching from `geo`, by default the small geo fixture). */
  open(geo?: GeoSource): Promise<Store>;
  /** The store location a command line names (`--store`), for a new store. */
  location?(): string;
}

/**
 * A DuckDB store and one on a ClickHouse node started for this test file (stopped when its tests
 * end), and with `cluster` one on a two-shard cluster too, all enriching from the small geo fixture.
 */
export async function testEngines(o: { cluster?: boolean } = {}): Promise<StoreEngine[]> {
  const servers: [string, ClickHouseForTests][] = [['ClickHouse', await clickHouseNode()]];
  if (o.cluster) servers.push(['a two-shard ClickHouse cluster', await clickHouseCluster()]);
  after(async () => {
    for (const [, s] of servers) await s.endpoint?.stop();
  });
  const onServers: StoreEngine[] = servers.map(([name, server]) =>
    server.skip
      ? { name, skip: server.skip, open: () => Promise.reject(new Error(server.skip)) }
      : {
          name,
          location: () => server.endpoint!.freshUrl(),
          open: async (geo = FIXTURE_GEO) => (await openStore(storeLocation(server.endpoint!.freshUrl()), { create: true, geo })).store,
        },
  );
  return [{ name: 'DuckDB', open: async (geo = FIXTURE_GEO) => (await openStore({ engine: 'duckdb', path: join(tempDir(), 'test.duckdb') }, { create: true, geo, threads: 2 })).store }, ...onServers];
}
