// Tables kept between questions (Driver.withKeptTable): a census window's victims, computed once
// per data version and read by every later question about that window, in this process and the
// next one that opens the file (a one-shot `census` after another). They are stored tables, not
// temporary ones (at a million victims a window is too big to hold in memory), with the address
// columns stored plain like every address column (migrate.ts ADDR_STORAGE: DuckDB's bit-packing of
// 128-bit columns made reading a window of 342,000 victims 1.6-2.8 s instead of 60-100 ms).
//
// A table is built under a building name and renamed into place once full, so a table under a kept
// name is always whole; the name holds a sequence number and a hash of the key. The newest KEEP of
// one declaration stay. Kept and building tables are read and written inside the database's
// window section (connection.ts `windowed`): one connection cannot drop a table another reads.
import type { WorkTable } from '../driver.js';
import { KEEP, keptPrefix, keyId, nameOrder } from '../kept-names.js';
import type { Table } from '../schema.js';
import { sql } from '../sql.js';
import type { Db } from './connection.js';
import { duckDialect } from './dialect.js';
import { createTableSql } from './migrate.js';

const q = duckDialect.quoteIdent;
const building = (t: Table) => `_building_${t.name}`;
const workTable = (name: string): WorkTable => ({ name, ref: sql.ident(name) });

/** The sequence number a kept table's name holds. */
const seqOf = (t: Table, name: string): number => nameOrder(name, keptPrefix(t));

/** The kept tables of `table`, newest first. */
async function keptNames(db: Db, table: Table): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND starts_with(table_name, $p)`,
    { p: keptPrefix(table) },
  );
  return rows.map((r) => r.name).sort((a, b) => seqOf(table, b) - seqOf(table, a));
}

export function withKeptTable<T>(
  db: Db,
  table: Table,
  key: () => Promise<string>,
  build: (work: WorkTable) => Promise<void>,
  fn: (kept: WorkTable) => Promise<T>,
): Promise<T> {
  return db.windowed(async () => {
    const id = keyId(await key());
    const names = await keptNames(db, table);
    const kept = names.find((n) => n.endsWith(`_${id}`));
    if (kept) return fn(workTable(kept));
    const seq = (names[0] === undefined ? 0 : seqOf(table, names[0])) + 1;
    const temp = building(table);
    // One build at a time (the window section): a building table left by a crash is this one's name.
    await db.run(`DROP TABLE IF EXISTS ${q(temp)}`);
    await db.run(createTableSql(table, temp));
    const name = `${keptPrefix(table)}${seq}_${id}`;
    try {
      await build(workTable(temp));
      await db.run(`ALTER TABLE ${q(temp)} RENAME TO ${q(name)}`);
    } catch (err) {
      await db.run(`DROP TABLE IF EXISTS ${q(temp)}`).catch(() => undefined);
      throw err;
    }
    for (const old of names.slice(KEEP - 1)) await db.run(`DROP TABLE IF EXISTS ${q(old)}`);
    return fn(workTable(name));
  });
}
