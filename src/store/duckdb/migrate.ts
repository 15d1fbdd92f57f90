// Brings a DuckDB file to the declared schema: creates missing tables, adds missing columns
// (compared with the catalog, so any earlier version converges), then records the version.
import { TABLES, type ColumnType, type Table } from '../schema.js';
import type { Db } from './connection.js';

export const SCHEMA_VERSION = 1;

export function duckType(t: ColumnType): string {
  return t === 'ADDR' ? 'UHUGEINT' : t;
}

export function createTableSql(t: Table, name = t.name, temp = false): string {
  const cols = t.columns.map((c) => `"${c.name}" ${duckType(c.type)}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE ${temp ? 'TEMP ' : ''}TABLE IF NOT EXISTS "${name}" (${[...cols, ...(temp ? [] : (t.constraints ?? []))].join(', ')})`;
}

export async function migrate(db: Db): Promise<void> {
  const existing = await db.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'`,
  );
  const have = new Map<string, Set<string>>();
  for (const r of existing) {
    if (!have.has(r.table_name)) have.set(r.table_name, new Set());
    have.get(r.table_name)!.add(r.column_name);
  }
  for (const t of TABLES) {
    const cols = have.get(t.name);
    if (!cols) {
      await db.run(createTableSql(t));
      continue;
    }
    for (const c of t.columns) {
      if (!cols.has(c.name)) await db.run(`ALTER TABLE "${t.name}" ADD COLUMN "${c.name}" ${duckType(c.type)}`);
    }
  }
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, [String(SCHEMA_VERSION)]);
}
