// A table computed by a query and kept in the store, with its 128-bit columns stored plain: DuckDB
// bit-packs UHUGEINT/HUGEINT columns of stored tables, and unpacking them made a census over a
// window of 342k victims 1.6-2.8 s where the same rows as plain columns (or a temp table) read in
// 60-100 ms. CREATE TABLE AS cannot name a column's compression, so the columns are learnt from
// the query run with LIMIT 0, declared, and the rows inserted.
import type { Db, Param } from './connection.js';

export async function createKeptTable(db: Db, name: string, query: string, params: Record<string, Param>): Promise<void> {
  const probe = `${name}__columns`;
  await db.run(`CREATE OR REPLACE TEMP TABLE ${probe} AS SELECT * FROM (${query}) LIMIT 0`, params);
  const cols = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE ${probe}`);
  await db.run(`DROP TABLE ${probe}`);
  const defs = cols.map((c) => `"${c.column_name.replace(/"/g, '""')}" ${c.column_type}${/HUGEINT$/.test(c.column_type) ? ' USING COMPRESSION uncompressed' : ''}`);
  await db.run(`CREATE TABLE ${name} (${defs.join(', ')})`);
  await db.run(`INSERT INTO ${name} ${query}`, params);
}
