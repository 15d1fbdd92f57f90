// Brings a DuckDB file to the declared schema: creates missing tables, adds missing columns
// (compared with the catalog, so any earlier version converges), then records the version.
import { TABLES, type Column, type ColumnType, type Table } from '../schema.js';
import type { Db } from './connection.js';
import { duckDialect } from './dialect.js';

export const SCHEMA_VERSION = 1;


const DUCK_TYPES: Record<ColumnType, string> = {
  address: 'UHUGEINT',
  time: 'TIMESTAMP',
  text: 'VARCHAR',
  'text[]': 'VARCHAR[]',
  bool: 'BOOLEAN',
  int32: 'INTEGER',
  int64: 'BIGINT',
  uint64: 'UBIGINT',
  uint32: 'UINTEGER',
  uint16: 'USMALLINT',
  uint8: 'UTINYINT',
  float64: 'DOUBLE',
  json: 'JSON',
};

export function duckType(t: ColumnType): string {
  return DUCK_TYPES[t];
}

/** A derived column's expression in DuckDB's SQL (declared without values, so nothing to bind). */
function fromSql(c: Column): string {
  const r = c.from!(duckDialect).render(duckDialect);
  if (r.params.length) throw new Error(`derived column ${c.name}: its expression binds values`);
  return r.text;
}

/** The key and unique clauses of a table. */
function keyClauses(t: Table): string[] {
  const cols = (names: string[]) => names.map((n) => duckDialect.quoteIdent(n)).join(', ');
  return [...(t.key ? [`PRIMARY KEY (${cols(t.key)})`] : []), ...(t.unique ?? []).map((u) => `UNIQUE (${cols(u)})`)];
}

/**
 * Addresses are stored uncompressed. DuckDB 1.5 picks bit-packing for a UHUGEINT column whose
 * values are close together (a table written in address order: hosts, the victim fold, the geo
 * ranges), and unpacking 128-bit values is slow: a scan of 409k victims took 97-127 ms packed
 * and 5 ms plain. Unordered columns (flow addresses) were stored plain anyway.
 */
const ADDR_STORAGE = ' USING COMPRESSION uncompressed';

export function createTableSql(t: Table, name = t.name, temp = false): string {
  const cols = t.columns.map((c) => `"${c.name}" ${duckType(c.type)}${c.type === 'address' ? ADDR_STORAGE : ''}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE ${temp ? 'TEMP ' : ''}TABLE IF NOT EXISTS "${name}" (${[...cols, ...(temp ? [] : keyClauses(t))].join(', ')})`;
}

/** Tables no build declares any more. */
const RETIRED_TABLES = ['geo_asn4', 'geo_country4', 'geo_special', 'derived_pair_days', 'derived_multiday', 'derived_pairs_all', 'derived_victim_owner'];

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
    const added = t.columns.filter((c) => !cols.has(c.name));
    for (const c of added) await db.run(`ALTER TABLE "${t.name}" ADD COLUMN "${c.name}" ${duckType(c.type)}`);
    // Rows stored before a derived column existed get it now, once.
    if (added.some((c) => c.from)) await fillDerived(db, t);
  }
  // Range tables of an earlier layout (IPv4 /16 buckets); the enrichment reloads its ranges.
  for (const t of RETIRED_TABLES) await db.run(`DROP TABLE IF EXISTS "${t}"`);
  await dropRetiredWindows(db);
  await dropStalePrimaryKeys(db);
  await unpackAddresses(db);
  // Prefiltered files recorded before their cover was: botcensus then read them again for every
  // intel import it could, so they count as covered by the indicators stored now.
  await db.run(`UPDATE prefiltered_files SET covered_through = (SELECT coalesce(max(import_id), 0) FROM indicators) WHERE covered_through IS NULL`);
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)`, [String(SCHEMA_VERSION)]);
}

/**
 * Census windows of an earlier layout (victim_window_<n>, registered in meta under 'window:...'
 * beside the version of the folds they came from): the census keeps its windows through
 * the driver now (kept-tables.ts).
 */
async function dropRetiredWindows(db: Db): Promise<void> {
  const old = await db.all<{ t: string }>(
    `SELECT table_name AS t FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main' AND regexp_full_match(table_name, 'victim_window_[0-9]+(_lists)?')`,
  );
  for (const { t } of old) await db.run(`DROP TABLE IF EXISTS "${t}"`);
  await db.run(`DELETE FROM meta WHERE key LIKE 'window:%' OR key = 'derived_version'`);
}

/**
 * Tables whose primary key differs from the declaration are rebuilt to it (DuckDB cannot add or
 * drop a constraint): a declared key the table lacks (prefiltered_files of older stores) is
 * added, and one the schema no longer declares is dropped. hosts lost its key: DuckDB 1.5's index
 * made deleting its IPv4 rows take 74 s for 90k of them when an IPv6 address was among them (a new
 * geo data version deletes them).
 */
async function dropStalePrimaryKeys(db: Db): Promise<void> {
  const keyed = await db.all<{ table_name: string }>(
    `SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' AND database_name = current_database() AND schema_name = 'main'`,
  );
  for (const { table_name } of keyed) {
    const t = TABLES.find((x) => x.name === table_name);
    if (t && !t.key) await rebuild(db, t);
  }
  for (const t of TABLES.filter((x) => x.key && !keyed.some((k) => k.table_name === x.name))) await rebuild(db, t);
}

/** Tables larger than this are not rebuilt by unpackAddresses: a few seconds' work at most. */
const MAX_UNPACK_ROWS = 10_000_000;

/**
 * Tables of a store made before ADDR_STORAGE whose addresses were bit-packed are rebuilt, once,
 * with plain addresses (meta 'addr_storage'): hosts, the geo ranges, indicators, the derived
 * tables. Not a telemetry table of hundreds of millions of rows, which would take minutes when
 * the store is opened: those keep their packing (flow addresses were mostly plain, since IPv6
 * among them defeats it).
 */
async function unpackAddresses(db: Db): Promise<void> {
  if ((await db.one(`SELECT 1 FROM meta WHERE key = 'addr_storage' AND value = 'plain'`)) !== undefined) return;
  for (const t of TABLES.filter((x) => x.columns.some((c) => c.type === 'address'))) {
    const packed = await db.one(`SELECT 1 FROM pragma_storage_info('${t.name}') WHERE segment_type = 'UHUGEINT' AND compression = 'BitPacking' LIMIT 1`);
    if (!packed) continue;
    const rows = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM "${t.name}"`);
    if (Number(rows!.n) <= MAX_UNPACK_ROWS) await rebuild(db, t);
  }
  await db.run(`INSERT OR REPLACE INTO meta VALUES ('addr_storage', 'plain')`);
}

/** Rebuilds a table to its declaration, keeping its rows. */
async function rebuild(db: Db, t: Table): Promise<void> {
  await db.transaction(async () => {
    await db.run(createTableSql(t, `${t.name}__rebuilt`));
    await db.run(`INSERT INTO "${t.name}__rebuilt" BY NAME SELECT * FROM "${t.name}"`);
    await db.run(`DROP TABLE "${t.name}"`);
    await db.run(`ALTER TABLE "${t.name}__rebuilt" RENAME TO "${t.name}"`);
  });
}

/** The table's derived columns as `expression AS name`, for loaders that write rows in SQL. */
export function derivedSelect(t: Table): string[] {
  return t.columns.filter((c) => c.from).map((c) => `${fromSql(c)} AS "${c.name}"`);
}

/** Computes the table's derived columns for one import's rows (appended ones), or for all rows. */
export async function fillDerived(db: Db, t: Table, importId?: number): Promise<void> {
  const sets = t.columns.filter((c) => c.from).map((c) => `"${c.name}" = ${fromSql(c)}`);
  if (sets.length === 0) return;
  await db.run(`UPDATE "${t.name}" SET ${sets.join(', ')}${importId === undefined ? '' : ' WHERE import_id = $imp'}`, importId === undefined ? {} : { imp: importId });
}
