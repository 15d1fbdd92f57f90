// Writes a query's rows to a Parquet, CSV or JSON-lines file with DuckDB's own writers, from any
// driver: on a DuckDB store the query runs inside COPY; on another engine its rows are read through
// the driver into an in-memory DuckDB table of the declared columns and written from there, so
// both give the same file. CSV has the shape of the dashboard's download (src/server/csv.ts, where
// it is documented): times as ISO 8601 UTC with Z, lists joined with ';', formula cells prefixed
// with a quote, CRLF.
import type { Driver } from '../driver.js';
import type { Column, Table } from '../schema.js';
import { sql, type Sql } from '../sql.js';
import { Db } from './connection.js';
import { DuckDbDriver } from './driver.js';
import { createAddressMacros } from './macros.js';
import { createTableSql, duckType } from './migrate.js';

export type FileFormat = 'parquet' | 'csv' | 'json';

/** A column of the file: the query's column `column` (declared in the table), written as `as`. */
export interface FileColumn {
  column: string;
  /** The file's name for it (default: `column`). */
  as?: string;
  /** A text column that holds a list joined by this separator: in CSV, written as a list. */
  joinedBy?: string;
}

const OPTIONS: Record<FileFormat, string> = {
  parquet: '(FORMAT parquet, COMPRESSION zstd)',
  csv: `(FORMAT csv, HEADER true, NEW_LINE '\r\n')`,
  json: '(FORMAT json)',
};

/** A text cell of a CSV: one a spreadsheet would run as a formula gets a quote in front (as csv.ts does). */
const cell = (x: string) => `CASE WHEN regexp_matches(${x}, '^[=+\\-@\\t\\r]') THEN '''' || ${x} ELSE ${x} END`;
/** A time as ISO 8601 UTC with milliseconds and Z, as JavaScript's toISOString writes it. */
const iso = (x: string) => `strftime(${x}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
/** A list as its values joined with ';' (empty: no value). */
const list = (x: string) => cell(`nullif(array_to_string(${x}, ';'), '')`);

/** One column of the file, from column `c` of relation `r`: typed for Parquet and JSON, as a text cell for CSV. */
function project(c: Column, f: FileColumn, csv: boolean): string {
  const x = `r.${JSON.stringify(c.name)}`;
  const as = JSON.stringify(f.as ?? f.column);
  if (c.type === 'address') return `ip_text(${x}) AS ${as}`;
  if (!csv) return `CAST(${x} AS ${duckType(c.type)}) AS ${as}`;
  if (c.type === 'time') return `${iso(x)} AS ${as}`;
  if (c.type === 'text[]') return `${list(x)} AS ${as}`;
  if (f.joinedBy !== undefined) return `${list(`string_split(${x}, '${f.joinedBy.replace(/'/g, "''")}')`)} AS ${as}`;
  if (c.type === 'text' || c.type === 'json') return `${cell(x)} AS ${as}`;
  return `CAST(${x} AS ${duckType(c.type)}) AS ${as}`;
}

/** COPY's target is a literal, not a parameter: quoted as SQL quotes a string. */
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** COPY of `rows` (a query whose columns are `table`'s) to `file`; returns the rows written. */
async function copy(d: DuckDbDriver, rows: Sql, table: Table, columns: FileColumn[], format: FileFormat, file: string): Promise<number> {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const select = columns.map((f) => {
    const c = byName.get(f.column);
    if (!c) throw new Error(`${f.column} is not a column of ${table.name}`);
    return project(c, f, format === 'csv');
  });
  const r = await d.one<{ Count?: bigint | number }>(
    sql`COPY (SELECT ${sql.raw(select.join(', '))} FROM (${rows}) r) TO ${sql.raw(literal(file))} ${sql.raw(OPTIONS[format])}`,
  );
  return Number(r?.Count ?? 0);
}

/**
 * Writes the rows of `rows` (run on `driver`; its columns those `table` declares, in its order of
 * rows) to `file` as `columns` say; returns the rows written.
 */
export async function writeFile(driver: Driver, rows: Sql, table: Table, columns: FileColumn[], format: FileFormat, file: string): Promise<number> {
  if (driver instanceof DuckDbDriver) return copy(driver, rows, table, columns, format, file);
  const got = await driver.all<Record<string, unknown>>(rows);
  const db = await Db.open(':memory:', 1);
  try {
    const local = new DuckDbDriver(db);
    await createAddressMacros(db);
    await db.run(createTableSql(table));
    await local.load(
      table,
      got.map((r) => Object.fromEntries(table.columns.map((c) => [c.name, r[c.name] instanceof Date ? (r[c.name] as Date).getTime() : r[c.name]]))),
    );
    // The rows in the order they came: DuckDB keeps insertion order through COPY.
    return await copy(local, sql`SELECT * FROM ${sql.ident(table.name)}`, table, columns, format, file);
  } finally {
    db.close();
  }
}
