// ClickHouse tables from the neutral declarations (../schema.ts): the type of each column, the
// engine, the day partitions and the order key. Names and expressions only, no values.
import type { Column, ColumnType, Table } from '../schema.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';

/** The hidden column every table carries: the import batch that wrote the row (0: not an import). */
export const BATCH_COLUMN = '_batch';

const TYPES: Record<ColumnType, string> = {
  // 16 bytes, most significant first: equality, ranges and ORDER BY work on the bytes (memcmp
  // order is numeric order); 18.16 has no UInt128 and no IPv6 type.
  address: 'FixedString(16)',
  // Seconds with milliseconds: 18.16 has no DateTime64, and the Decimal type survives min/max,
  // so a time read back is known as one (and becomes a Date).
  time: 'Decimal64(3)',
  text: 'String',
  'text[]': 'Array(String)',
  bool: 'UInt8',
  int32: 'Int32',
  int64: 'Int64',
  uint64: 'UInt64',
  uint32: 'UInt32',
  uint16: 'UInt16',
  uint8: 'UInt8',
  float64: 'Float64',
  json: 'String',
};

const q = (name: string): string => chDialect.quoteIdent(name);

/** A column's ClickHouse type: Nullable unless declared not null or part of the order key (lists cannot be Nullable). */
export function chType(c: Column, inKey = false): string {
  const t = TYPES[c.type];
  return c.notNull || inKey || c.type === 'text[]' ? t : `Nullable(${t})`;
}

/** The columns a table is sorted by: its key; else its first address and time columns that are never null. */
export function orderKey(t: Table): string[] {
  if (t.key) return t.key;
  if (t.replacing) return t.replacing;
  const addr = t.columns.find((c) => c.type === 'address' && c.notNull);
  const time = t.columns.find((c) => c.type === 'time' && c.notNull && (c.name === 'ts' || c.name === 'hour'));
  return [addr, time].filter((c): c is Column => c !== undefined).map((c) => c.name);
}

/** The column a table is partitioned by day on: telemetry's `ts`, the sightings' `hour`. */
export function dayColumn(t: Table): string | undefined {
  return t.columns.find((c) => c.type === 'time' && c.notNull && (c.name === 'ts' || c.name === 'hour'))?.name;
}

/** The partition of a time column's day (a Date, so a day drops as `DROP PARTITION 'YYYY-MM-DD'`). */
export const dayOf = (column: string): string => `toDate(toDateTime(toUInt32(${q(column)})))`;

/** How rows of a Distributed table are spread over the shards: by key, else by the first address. */
export function shardingKey(t: Table): string {
  const cols = t.key ?? orderKey(t).filter((n) => t.columns.find((c) => c.name === n)?.type === 'address');
  return cols.length ? `cityHash64(${cols.map(q).join(', ')})` : 'rand()';
}

/**
 * A column's definition. A derived column is a DEFAULT of its expression: the server computes it
 * for rows inserted without it (load leaves it out), and for rows stored before it was added.
 */
export function columnDefinition(c: Column, t: Table): string {
  if (c.from) {
    const r = c.from(chDialect).render(chDialect);
    if (r.params.length) throw new Error(`derived column ${t.name}.${c.name}: its expression binds values`);
    return `${q(c.name)} ${chType(c, true)} DEFAULT ${r.text}`;
  }
  return `${q(c.name)} ${chType(c, orderKey(t).includes(c.name))}`;
}

/**
 * The table's sort expressions: its order key, a time as its milliseconds. ClickHouse 18.16 sorts
 * a block on a Decimal key column so slowly that one INSERT of a million rows keyed (address,
 * day) did not end in ten minutes (the time compared on every tie of the address); the same rows
 * keyed by the time's Int64 milliseconds are written in a quarter second. The expression is exact,
 * so rows a ReplacingMergeTree takes for the same key are the same.
 */
export function sortKey(t: Table): string[] {
  return orderKey(t).map((n) => (t.columns.find((c) => c.name === n)?.type === 'time' ? `toInt64(${q(n)} * 1000)` : q(n)));
}

/** CREATE TABLE for the rows themselves (a node's table, or a shard's local table). */
export function createTableSql(t: Table, name: string, db: string): string {
  const cols = [...t.columns.map((c) => columnDefinition(c, t)), `${q(BATCH_COLUMN)} UInt32 DEFAULT 0`];
  const key = sortKey(t);
  const day = dayColumn(t);
  // A keyed table keeps the last row written per key (replace-or-insert, see dialect.replaceInto).
  const engine = t.key || t.replacing ? 'ReplacingMergeTree()' : 'MergeTree()';
  return (
    `CREATE TABLE IF NOT EXISTS ${q(db)}.${q(name)} (${cols.join(', ')}) ENGINE = ${engine}` +
    (day ? ` PARTITION BY ${dayOf(day)}` : '') +
    ` ORDER BY ${key.length ? `(${key.join(', ')})` : 'tuple()'}`
  );
}

/** CREATE TABLE for the Distributed table over every shard's local table. */
export function createDistributedSql(t: Table, local: string, db: string, cluster: string): string {
  const cols = [...t.columns.map((c) => columnDefinition(c, t)), `${q(BATCH_COLUMN)} UInt32 DEFAULT 0`];
  return `CREATE TABLE IF NOT EXISTS ${q(db)}.${q(t.name)} (${cols.join(', ')}) ENGINE = Distributed(${stringLiteral(cluster)}, ${stringLiteral(db)}, ${stringLiteral(local)}, ${shardingKey(t)})`;
}

/** The local table's name under a Distributed one. */
export const localName = (table: string): string => `${table}__local`;
