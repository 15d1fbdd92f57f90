// What differs between SQL engines, and nothing else: placeholders and quoting, and the few
// expressions each engine spells its own way. Queries call these through `sql.dialect` (or take
// the dialect from the driver) and stay written once.
import type { Sql, SqlValue, ValueType } from './sql.js';

export type TimeUnit = 'hour' | 'day';

export interface Dialect {
  /** The engine's name, for messages. */
  readonly name: string;
  /** The n-th (1-based) parameter's placeholder; `type` is its neutral type when the query gave one. */
  placeholder(n: number, type: ValueType | undefined, value: SqlValue): string;
  /** A table or column name, quoted so that any name is taken literally. */
  quoteIdent(name: string): string;
  /**
   * A key of the address's network for a prefix length in the 128-bit space: equal for two
   * addresses exactly when they share that network (DuckDB: the address shifted right;
   * ClickHouse: the network's first address).
   */
  netKey(addr: Sql, prefix: Sql): Sql;
  /** The first address of the address's network for a prefix length (the host bits cleared). */
  networkStart(addr: Sql, prefix: Sql): Sql;
  /** The narrow key of an address (its low 32 bits), which lookups filter on before the full compare. */
  addrKey(addr: Sql): Sql;
  /** Every suffix of a domain name, itself first: a.b.example -> [a.b.example, b.example, example]. */
  domainSuffixes(name: Sql): Sql;
  /** In a select list: one output row per element of a list. */
  unnest(list: Sql): Sql;
  /** Aggregate: `arg` of the row where `by` is greatest. */
  argMax(arg: Sql, by: Sql): Sql;
  /** Aggregate: `arg` of the row where `by` is least. */
  argMin(arg: Sql, by: Sql): Sql;
  /** Aggregate: the values of a group as a list. */
  listAgg(value: Sql): Sql;
  /** Aggregate: the distinct values of a group that are not NULL, as a sorted list (empty when none). */
  listAggDistinct(value: Sql): Sql;
  /** Whether text `haystack` holds text `needle` (case-sensitive; no pattern characters). */
  contains(haystack: Sql, needle: Sql): Sql;
  /** A list of text joined into one text by a separator. */
  listText(list: Sql, separator: string): Sql;
  /**
   * A value of the address type standing for a device key (text): equal for equal keys, with the
   * top bit set, so equal to no assigned address (which all lie below 8000::/1).
   */
  deviceUnit(key: Sql): Sql;
  /** The start (UTC) of the hour or day a time falls in. */
  timeBucket(unit: TimeUnit, ts: Sql): Sql;
  /** A time from epoch milliseconds. */
  fromEpochMs(ms: Sql): Sql;
  /** Epoch milliseconds of a time. */
  epochMs(ts: Sql): Sql;
  /**
   * Writes the rows of `source` (a SELECT or VALUES) into `table`, a row replacing the stored row
   * with the same key (the table's declared key).
   */
  replaceInto(table: string, columns: readonly string[], source: Sql): Sql;
  /**
   * A condition on the rows of `table` (its name or alias): the rows readers may see. TRUE where
   * `atomically` is a transaction; where it is not (ClickHouse), it hides the rows of imports
   * still running elsewhere or failed (see docs/store-drivers.md).
   */
  visibleRows(table: Sql): Sql;
  /**
   * Removes the rows of `table` where `condition` holds. Where the engine deletes asynchronously
   * (ClickHouse), readers must not depend on the rows being gone: use it for rows they already
   * leave out.
   */
  deleteWhere(table: string, condition: Sql): Sql;
}
