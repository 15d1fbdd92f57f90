// The DuckDB driver held to the driver conformance suite: this file only opens DuckDB.
import { runDriverConformance } from '../conformance/driver.js';
import { Db } from './connection.js';
import { DuckDbDriver } from './driver.js';
import { createTableSql } from './migrate.js';

runDriverConformance({
  name: 'DuckDB',
  async open(tables) {
    const db = await Db.open(':memory:', 1);
    for (const t of tables) await db.run(createTableSql(t));
    const driver = new DuckDbDriver(db);
    // One process holds a DuckDB file: a second writer is the same driver.
    return { driver, again: async () => driver };
  },
});
