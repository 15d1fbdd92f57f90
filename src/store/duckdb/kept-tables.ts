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
// window section (connection.ts `windowed`): one connection cannot drop a table another reads. A
// build may ask for another table inside that section (the sections nest).
import type { WorkTable } from '../driver.js';
import { KEEP, keptPrefix, keyId, nameOrder } from '../kept-names.js';
import type { Table } from '../schema.js';
import { sql } from '../sql.js';
import type { Db } from './connection.js';
import { duckDialect } from './dialect.js';
import { createTableSql } from './migrate.js';

const q = duckDialect.quoteIdent;
const buildingPrefix = (t: Table) => `_building_${t.name}`;

/**
 * The building tables being filled in this process, per database: one build may ask for another
 * of the same declaration (a census window takes its victims' attributes from the all-time one).
 * A building table not among them was left by a crash.
 */
const underWay = new WeakMap<object, Set<string>>();
const workTable = (name: string): WorkTable => ({ name, ref: sql.ident(name) });

/** The sequence number a kept table's name holds. */
const seqOf = (t: Table, name: string): number => nameOrder(name, keptPrefix(t));

/** The stored tables whose names start with `prefix`. */
async function namesStartingWith(db: Db, prefix: string): Promise<string[]> {
  const rows = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND starts_with(table_name, $p)`,
    { p: prefix },
  );
  return rows.map((r) => r.name);
}

/** The kept tables of `table`, newest first. */
async function keptNames(db: Db, table: Table): Promise<string[]> {
  return (await namesStartingWith(db, keptPrefix(table))).sort((a, b) => seqOf(table, b) - seqOf(table, a));
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
    let building = underWay.get(db.instance);
    if (!building) underWay.set(db.instance, (building = new Set()));
    for (const left of await namesStartingWith(db, buildingPrefix(table))) if (!building.has(left)) await db.run(`DROP TABLE IF EXISTS ${q(left)}`);
    const temp = `${buildingPrefix(table)}_${id}`;
    await db.run(createTableSql(table, temp));
    building.add(temp);
    let name: string;
    let before: string[];
    try {
      await build(workTable(temp));
      // Named once built: a build inside this one may have kept a table meanwhile.
      before = await keptNames(db, table);
      name = `${keptPrefix(table)}${(before[0] === undefined ? 0 : seqOf(table, before[0])) + 1}_${id}`;
      await db.run(`ALTER TABLE ${q(temp)} RENAME TO ${q(name)}`);
    } catch (err) {
      await db.run(`DROP TABLE IF EXISTS ${q(temp)}`).catch(() => undefined);
      throw err;
    } finally {
      building.delete(temp);
    }
    for (const old of before.slice(KEEP - 1)) await db.run(`DROP TABLE IF EXISTS ${q(old)}`);
    return fn(workTable(name));
  });
}
