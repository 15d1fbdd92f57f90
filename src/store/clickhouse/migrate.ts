// Brings a ClickHouse database to the declared schema on every shard: creates missing tables,
// adds missing columns (compared with system.columns, so any earlier schema converges), makes
// folded tables anew where an earlier schema made them otherwise, and in a
// cluster the Distributed table over each local one. Akvorado's orchestrator is the model.
import type { Table } from '../schema.js';
import { columnDefinition, createDistributedSql, createTableSql, localName } from './ddl.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';
import type { Node } from './connection.js';
import type { Layout } from './layout.js';

const q = chDialect.quoteIdent;

/** The columns each table of the database has, by table name. */
async function catalog(node: Node, db: string): Promise<Map<string, Set<string>>> {
  const rows = await node.all<{ table: string; name: string }>(`SELECT table, name FROM system.columns WHERE database = ${stringLiteral(db)}`);
  const have = new Map<string, Set<string>>();
  for (const r of rows) {
    if (!have.has(r.table)) have.set(r.table, new Set());
    have.get(r.table)!.add(r.name);
  }
  return have;
}

/** The engine of each table of the database, by table name. */
async function engines(node: Node, db: string): Promise<Map<string, string>> {
  const rows = await node.all<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = ${stringLiteral(db)}`);
  return new Map(rows.map((r) => [r.name, r.engine]));
}

/**
 * A folded table (declared `replacing`) made as a plain MergeTree by an earlier schema: its rows
 * are derived, so it is made anew, empty. Such a schema is one where the folds were not kept on
 * ClickHouse, so `meta` has no record of them and the stage folds them whole when next opened
 * (src/match/victim-fold.ts ensureVictimFold).
 */
async function remakeFolded(node: Node, engine: string | undefined, t: Table, name: string, db: string, have: Map<string, Set<string>>): Promise<void> {
  if (!t.replacing || engine !== 'MergeTree') return;
  await node.run(`DROP TABLE ${q(db)}.${q(name)}`);
  have.delete(name);
}

/** Creates what is missing of `t` under `name` on one node, from its catalog. */
async function converge(node: Node, have: Map<string, Set<string>>, t: Table, name: string, create: string, db: string): Promise<void> {
  const cols = have.get(name);
  if (!cols) {
    await node.run(create);
    return;
  }
  for (const c of t.columns.filter((x) => !cols.has(x.name))) {
    await node.run(`ALTER TABLE ${q(db)}.${q(name)} ADD COLUMN ${columnDefinition(c, t)}`);
  }
  if (!cols.has('_batch')) await node.run(`ALTER TABLE ${q(db)}.${q(name)} ADD COLUMN ${q('_batch')} UInt32 DEFAULT 0`);
}

export async function migrate(layout: Layout, tables: readonly Table[]): Promise<void> {
  const db = layout.database;
  for (const node of layout.shards) {
    const have = await catalog(node, db);
    const engine = await engines(node, db);
    for (const t of tables) {
      const local = layout.cluster ? localName(t.name) : t.name;
      await remakeFolded(node, engine.get(local), t, local, db, have);
      if (!layout.cluster) {
        await converge(node, have, t, t.name, createTableSql(t, t.name, db), db);
        continue;
      }
      await converge(node, have, t, localName(t.name), createTableSql(t, localName(t.name), db), db);
      await converge(node, have, t, t.name, createDistributedSql(t, localName(t.name), db, layout.cluster), db);
    }
  }
}
