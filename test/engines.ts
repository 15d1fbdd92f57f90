// A stage's queries on both engines: a DuckDB driver in memory and a ClickHouse driver on one node
// (test/clickhouse.ts starts it, or takes it from the environment), each with the tables the test
// names. A stage test runs the same assertions on each, which is what shows a query is written once.
import { after } from 'node:test';
import { Db } from '../src/store/duckdb/connection.js';
import { DuckDbDriver } from '../src/store/duckdb/driver.js';
import { createTableSql } from '../src/store/duckdb/migrate.js';
import { openClickHouseDriver } from '../src/store/clickhouse/open.js';
import type { Driver } from '../src/store/driver.js';
import { table, type Table } from '../src/store/schema.js';
import { clickHouseNode } from './clickhouse.js';

export interface Engine {
  name: string;
  /** Why this engine's tests are skipped (no clickhouse-server), never passed. */
  skip?: string;
  /** A new empty store with the tables, on this engine. */
  open(): Promise<Driver>;
}

/** DuckDB, and one ClickHouse node started for this test file (stopped after it). */
export async function engines(tableNames: readonly string[]): Promise<Engine[]> {
  const tables: Table[] = tableNames.map(table);
  const node = await clickHouseNode();
  after(() => node.endpoint?.stop());
  return [
    {
      name: 'DuckDB',
      async open() {
        const db = await Db.open(':memory:', 1);
        for (const t of tables) await db.run(createTableSql(t));
        return new DuckDbDriver(db);
      },
    },
    {
      name: 'ClickHouse',
      ...(node.skip ? { skip: node.skip } : {}),
      open: () => openClickHouseDriver(node.endpoint!.freshUrl(), { tables }),
    },
  ];
}
