// Brings a ClickHouse database to the declared schema on every shard: creates missing tables,
// adds missing columns (compared with system.columns, so any earlier schema converges), makes
// folded tables anew where an earlier schema made them otherwise, sorts again the tables an
// earlier schema sorted by a bare time column, and in a cluster the Distributed table over each
// local one. Akvorado's orchestrator is the model.
import type { Table } from '../schema.js';
import { BATCH_COLUMN, columnDefinition, createDistributedSql, createTableSql, localName } from './ddl.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';
import type { Node } from './connection.js';
import { systemTables } from './system-tables.js';
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

interface TableState {
  engine: string;
  /** The sort expressions, as the server lists them ('src, ts'). */
  sortingKey: string;
}

/** The engine and sort key of each table of the database, by table name. */
async function engines(node: Node, db: string): Promise<Map<string, TableState>> {
  const rows = await systemTables<{ name: string; engine: string; sorting_key: string }>(node, `SELECT name, engine, sorting_key FROM system.tables WHERE database = ${stringLiteral(db)}`);
  return new Map(rows.map((r) => [r.name, { engine: r.engine, sortingKey: r.sorting_key }]));
}

/** Names of the tables a table is sorted again through (sortAgain). */
const resorted = (name: string) => `${name}__resorted`;
const unsorted = (name: string) => `${name}__unsorted`;

/**
 * Finishes or undoes a sortAgain that stopped part-way: its rows copied and the table moved aside
 * but the copy not yet in its place (renamed now), or the copy unfinished, or the old table left.
 */
async function recoverSort(node: Node, name: string, db: string, state: Map<string, TableState>, have: Map<string, Set<string>>): Promise<void> {
  if (!state.has(name) && state.has(resorted(name))) {
    await node.run(`RENAME TABLE ${q(db)}.${q(resorted(name))} TO ${q(db)}.${q(name)}`);
    state.set(name, state.get(resorted(name))!);
    have.set(name, have.get(resorted(name)) ?? new Set());
    state.delete(resorted(name));
  }
  for (const aside of [resorted(name), unsorted(name)])
    if (state.has(aside)) {
      await node.run(`DROP TABLE ${q(db)}.${q(aside)}`);
      state.delete(aside);
    }
}

/**
 * A table an earlier schema sorted by a bare time column (see ddl.ts sortKey) is copied into one
 * sorted as declared, which then takes its name: the rows are kept. A table's sort key cannot be
 * altered in place; the copy costs one read and write of the table, once.
 */
async function sortAgain(node: Node, t: Table, name: string, db: string, state: TableState | undefined): Promise<void> {
  if (!state) return;
  const times = new Set(t.columns.filter((c) => c.type === 'time').map((c) => c.name));
  if (!state.sortingKey.split(',').some((k) => times.has(k.trim().replace(/`/g, '')))) return;
  const cols = [...t.columns.map((c) => c.name), BATCH_COLUMN].map(q).join(', ');
  await node.run(createTableSql(t, resorted(name), db));
  await node.run(`INSERT INTO ${q(db)}.${q(resorted(name))} (${cols}) SELECT ${cols} FROM ${q(db)}.${q(name)}`);
  await node.run(`RENAME TABLE ${q(db)}.${q(name)} TO ${q(db)}.${q(unsorted(name))}`);
  await node.run(`RENAME TABLE ${q(db)}.${q(resorted(name))} TO ${q(db)}.${q(name)}`);
  await node.run(`DROP TABLE ${q(db)}.${q(unsorted(name))}`);
}

/**
 * A folded table (declared `replacing`) made as a plain MergeTree by an earlier schema: its rows
 * are derived, so it is made anew, empty. Such a schema is one where the folds were not kept on
 * ClickHouse, so `meta` has no record of them and the stage folds them whole when next opened
 * (src/match/victim-fold.ts ensureVictimFold).
 */
async function remakeFolded(node: Node, engine: string | undefined, t: Table, name: string, db: string, have: Map<string, Set<string>>): Promise<boolean> {
  if (!t.replacing || engine !== 'MergeTree') return false;
  await node.run(`DROP TABLE ${q(db)}.${q(name)}`);
  have.delete(name);
  return true;
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
    const state = await engines(node, db);
    for (const t of tables) {
      const local = layout.cluster ? localName(t.name) : t.name;
      await recoverSort(node, local, db, state, have);
      const remade = await remakeFolded(node, state.get(local)?.engine, t, local, db, have);
      await converge(node, have, t, local, createTableSql(t, local, db), db);
      if (!remade) await sortAgain(node, t, local, db, state.get(local));
      if (layout.cluster) await converge(node, have, t, t.name, createDistributedSql(t, local, db, layout.cluster), db);
    }
  }
}
