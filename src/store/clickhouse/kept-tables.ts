// Tables kept between questions (Driver.withKeptTable): a census window's victims, computed once
// per data version and read by every later question about that window, from any process, while
// the server keeps them. Each is a Log table on the node queries come to (on a cluster, sent to
// the shards like a work table), written under a building name and renamed into place once full,
// so that a table under a kept name is always whole; its name holds when it was built and a hash
// of its key. The newest KEEP of one declaration stay; builds left behind by a crash go after an hour.
// A kept table another process dropped before it was read is found or built anew.
import type { WorkTable } from '../driver.js';
import { KEEP, KEPT_PREFIX, keptPrefix, keyId, nameOrder } from '../kept-names.js';
import type { Table } from '../schema.js';
import { sql } from '../sql.js';
import type { Node } from './connection.js';
import { systemTables, unknownTable } from './system-tables.js';
import { createTableSql } from './ddl.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';

const q = chDialect.quoteIdent;
const STALE_BUILD_MS = 3_600_000;

const buildingPrefix = (t: Table) => `_building_${t.name}_`;
const workTable = (name: string): WorkTable => ({ name, ref: sql.ident(name) });

async function tableNames(entry: Node, database: string, prefix: string): Promise<string[]> {
  const rows = await systemTables<{ name: string }>(
    entry,
    `SELECT name FROM system.tables WHERE database = ${stringLiteral(database)} AND startsWith(name, ${stringLiteral(prefix)})`,
  );
  return rows.map((r) => r.name);
}

export async function withKeptTable<T>(
  entry: Node,
  database: string,
  table: Table,
  key: () => Promise<string>,
  build: (work: WorkTable) => Promise<void>,
  fn: (kept: WorkTable) => Promise<T>,
): Promise<T> {
  const id = keyId(await key());
  // A table found may be dropped before it is read, by builds of other processes past the newest
  // KEEP (or by hand): then it is found or built anew and read again.
  for (let attempt = 1; ; attempt++) {
    const name = await keptOrBuilt(entry, database, table, id, build);
    try {
      return await fn(workTable(name));
    } catch (err) {
      if (attempt >= READS || !unknownTable(err) || !(err as Error).message.includes(name)) throw err;
    }
  }
}

/** Reads of a kept table at most, each after finding or building it. */
const READS = 3;

/** The name of the kept table of key `id`, built first when there is none. */
async function keptOrBuilt(entry: Node, database: string, table: Table, id: string, build: (work: WorkTable) => Promise<void>): Promise<string> {
  const prefix = keptPrefix(table);
  const kept = (await tableNames(entry, database, prefix)).find((n) => n.endsWith(`_${id}`));
  if (kept) return kept;
  // Questions of this process asking for one key at once (a census's windows) share one build.
  let builds = underWay.get(entry);
  if (!builds) underWay.set(entry, (builds = new Map()));
  const slot = `${database}.${prefix}${id}`;
  let built = builds.get(slot);
  if (!built) {
    built = buildKept(entry, database, table, id, build).finally(() => builds.delete(slot));
    builds.set(slot, built);
  }
  return built;
}

/** Builds under way in this process, per entry node, by database and kept name without its time. */
const underWay = new WeakMap<Node, Map<string, Promise<string>>>();

/** Builds the kept table of key `id` of `table`; its name. */
async function buildKept(entry: Node, database: string, table: Table, id: string, build: (work: WorkTable) => Promise<void>): Promise<string> {
  const now = Date.now();
  const building = `${buildingPrefix(table)}${now}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await entry.run(createTableSql(table, building, database).replace(/ ENGINE = .*$/s, ' ENGINE = Log'));
  const name = `${keptPrefix(table)}${now}_${id}`;
  try {
    await build(workTable(building));
    // Two processes that built the same key at once keep both: any one of them answers.
    await entry.run(`RENAME TABLE ${q(database)}.${q(building)} TO ${q(database)}.${q(name)}`);
  } catch (err) {
    await entry.run(`DROP TABLE IF EXISTS ${q(database)}.${q(building)}`);
    throw err;
  }
  await prune(entry, database, table, name);
  return name;
}

/** Drops the kept tables of `table` past the KEEP newest (never `mine`), and builds left for an hour. */
async function prune(entry: Node, database: string, table: Table, mine: string): Promise<void> {
  const prefix = keptPrefix(table);
  const old = (await tableNames(entry, database, prefix))
    .filter((n) => n !== mine)
    .sort((a, b) => nameOrder(b, prefix) - nameOrder(a, prefix))
    .slice(KEEP - 1);
  const abandoned = (await tableNames(entry, database, buildingPrefix(table))).filter((n) => nameOrder(n, buildingPrefix(table)) < Date.now() - STALE_BUILD_MS);
  for (const n of [...old, ...abandoned]) await entry.run(`DROP TABLE IF EXISTS ${q(database)}.${q(n)}`);
}

/** Drops every kept table of the database: the next question about each computes it again (the bench's first-question timings). */
export async function dropKeptTables(entry: Node, database: string): Promise<void> {
  for (const n of await tableNames(entry, database, KEPT_PREFIX)) await entry.run(`DROP TABLE IF EXISTS ${q(database)}.${q(n)}`);
}
