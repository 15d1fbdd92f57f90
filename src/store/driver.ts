// The thin driver contract: what a stage's queries need from an engine. Queries are `sql`
// templates (sql.ts) written once; each driver renders them with its dialect, binds the values,
// and maps the neutral column types to its own. A driver holds no stage logic.
import type { Dialect } from './dialect.js';
import type { Table } from './schema.js';
import type { Sql } from './sql.js';

/** A result row: column name to value (addresses as bigint, times as Date, lists as arrays). */
export type Row = Record<string, unknown>;

/**
 * What a driver can do beyond the contract. `read-csv`, `read-parquet`, `read-dns-log`: the engine
 * reads such a file itself (a fast path; the line readers give the same answers on any driver).
 * `transactions`: `atomically` is a real transaction (else the driver stages rows and swaps them in).
 * `work-tables-per-connection`: work tables are private to the connection. `kept-tables`: the
 * driver keeps tables between questions (withKeptTable).
 */
export type Capability = 'read-csv' | 'read-parquet' | 'read-dns-log' | 'transactions' | 'work-tables-per-connection' | 'kept-tables';

/** A temporary table for one piece of work: its name and its declared columns. */
export interface WorkTable {
  readonly name: string;
  /** The name, quoted, to put in a query. */
  readonly ref: Sql;
}

export interface Driver {
  /** How this engine spells what differs (placeholders, quoting, address keys, ...). */
  readonly dialect: Dialect;
  /** What this driver can do beyond the contract. */
  readonly capabilities: ReadonlySet<Capability>;
  /** Runs a statement; its values are bound as parameters. */
  run(q: Sql): Promise<void>;
  /** Every row of a query. */
  all<T = Row>(q: Sql): Promise<T[]>;
  /** The first row of a query, or undefined. */
  one<T = Row>(q: Sql): Promise<T | undefined>;
  /**
   * Appends rows to a declared table in bulk: each row an object keyed by column name (or by
   * `keyOf(column)`), values in the neutral types (addresses bigint, times epoch ms, lists arrays).
   * Returns how many rows were written.
   */
  load(table: Table, rows: Iterable<Record<string, unknown>>, keyOf?: (column: string) => string): Promise<number>;
  /** Runs `fn` so that what it writes becomes visible all at once when it returns, or not at all when it throws. */
  atomically<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` with no other caller's statements in between (work over shared work tables). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Inside `atomically`: whether this call is the first to claim `key` among those of every
   * process writing the store whose `atomically` did not fail. It waits while an earlier claimant
   * is still running (true once that one failed, false once it is done). Where `atomically` calls
   * run one at a time, every claim is first: a check inside the call sees the earlier ones' rows.
   * Outside `atomically` (rows visible at once) it is true.
   */
  claimFirst(key: string): Promise<boolean>;
  /** A temporary table with `table`'s columns under `name`, dropped when `fn` returns or throws. */
  withWorkTable<T>(table: Table, name: string, fn: (work: WorkTable) => Promise<T>): Promise<T>;
  /**
   * With capability `kept-tables`: a table with `table`'s columns kept between questions, and
   * between processes while the engine runs, under the key `key()` gives (a data version and what
   * was asked). `build` fills it the first time; later calls with the same key read it as it is.
   * Only the few newest tables of one declaration are kept. Runs `fn` with it. `key`, `build` and
   * `fn` run in one section where the engine has them (DuckDB: no other caller's statements on the
   * connection in between, so the data the key was read from is the data the table holds). Where
   * another process may drop a kept table while `fn` reads it (ClickHouse: more than the newest
   * few built meanwhile), `fn` runs again on the table found or built anew: let it only read.
   */
  withKeptTable?<T>(table: Table, key: () => Promise<string>, build: (work: WorkTable) => Promise<void>, fn: (kept: WorkTable) => Promise<T>): Promise<T>;
  /**
   * A new id for `column` of `table` (a whole number above every stored one), never handed out
   * twice, also when several processes write the store at once.
   */
  nextId(table: string, column: string): Promise<number>;
  /**
   * Retention: removes the rows of a table partitioned by time (`column`, its `ts` or `hour`) from
   * before `beforeMs`. DuckDB deletes them to the millisecond; ClickHouse drops the day partitions
   * before the UTC day of `beforeMs` (whole days, on every shard), keeping that day.
   */
  dropRowsBefore(table: Table, column: string, beforeMs: number): Promise<void>;
  /** Whether the driver has a capability. */
  can(capability: Capability): boolean;
  /** Closes the connection; the driver is unusable afterwards. */
  close(): Promise<void>;
}
