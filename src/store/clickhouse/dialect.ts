// ClickHouse's spelling of what differs between engines (see ../dialect.ts), in SQL that both
// Debian's 18.16 and current releases accept. Values are written as literals (literal.ts): 18.16
// has no query parameters. Addresses are FixedString(16), big-endian; times Decimal64(3) seconds.
import type { Dialect } from '../dialect.js';
import { sql, type Sql } from '../sql.js';
import { literal, stringLiteral } from './literal.js';

const ALL_ONES = sql.raw('toUInt64(18446744073709551615)');

/** The high (bytes 1-8) or low (9-16) half of an address as a UInt64. */
const half = (addr: Sql, from: 1 | 9): Sql => sql`reinterpretAsUInt64(reverse(substring(${addr}, ${sql.raw(String(from))}, 8)))`;

/**
 * The mask of one half for a prefix length: the first `bits` of the half set, where bits is the
 * prefix minus the half's offset, clamped to 0..64. Shifts stay in 0..63 (a shift by 64 is
 * undefined in the engine; `if` evaluates both branches).
 */
function halfMask(prefix: Sql, offset: 0 | 64): Sql {
  const bits = sql`least(greatest(toInt16(${prefix}) - ${sql.raw(String(offset))}, 0), 64)`;
  return sql`if(${bits} = 0, toUInt64(0), bitNot(bitShiftRight(${ALL_ONES}, toUInt8(least(${bits}, 63)))) + if(${bits} = 64, toUInt64(1), toUInt64(0)))`;
}

/** A UInt64 as 8 big-endian bytes (reinterpretAsString drops trailing zero bytes: padded back). */
const halfBytes = (v: Sql): Sql => sql`reverse(toFixedString(reinterpretAsString(${v}), 8))`;

export const chDialect: Dialect = {
  name: 'ClickHouse',
  placeholder: (_n, type, value) => literal(value, type),
  quoteIdent: (name) => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``,
  // Two addresses share a network exactly when their network starts are equal: the start is the key.
  netKey: (addr, prefix) => chDialect.networkStart(addr, prefix),
  networkStart: (addr, prefix) =>
    sql`toFixedString(concat(${halfBytes(sql`bitAnd(${half(addr, 1)}, ${halfMask(prefix, 0)})`)}, ${halfBytes(sql`bitAnd(${half(addr, 9)}, ${halfMask(prefix, 64)})`)}), 16)`,
  addrKey: (addr) => sql`reinterpretAsUInt32(reverse(substring(${addr}, 13, 4)))`,
  // An array cannot be Nullable: a nullable column's name is taken as not null (a NULL one gives
  // [''], which no domain equals, where DuckDB gives no suffix at all). The lambda's parameter is
  // named so that it hides no table alias of the query (current releases resolve `i.domain` to it).
  domainSuffixes: (name) =>
    sql`arrayMap(suffix_from -> arrayStringConcat(arraySlice(splitByChar('.', assumeNotNull(${name})), suffix_from), '.'), arrayEnumerate(splitByChar('.', assumeNotNull(${name}))))`,
  unnest: (list) => sql`arrayJoin(${list})`,
  argMax: (arg, by) => sql`argMax(${arg}, ${by})`,
  argMin: (arg, by) => sql`argMin(${arg}, ${by})`,
  listAgg: (value) => sql`groupArray(${value})`,
  listAggDistinct: (value) => sql`arraySort(groupUniqArray(${value}))`,
  contains: (haystack, needle) => sql`position(${haystack}, ${needle}) > 0`,
  listText: (list, separator) => sql`arrayStringConcat(${list}, ${separator})`,
  deviceUnit: (key) => sql`toFixedString(concat(${halfBytes(sql.raw('toUInt64(9223372036854775808)'))}, ${halfBytes(sql`cityHash64(${key})`)}), 16)`,
  timeBucket: (unit, ts) => sql`toDecimal64(intDiv(toInt64(${ts}), ${sql.raw(unit === 'hour' ? '3600' : '86400')}) * ${sql.raw(unit === 'hour' ? '3600' : '86400')}, 3)`,
  fromEpochMs: (ms) => sql`(toDecimal64(${ms}, 3) / 1000)`,
  epochMs: (ts) => sql`toInt64(${ts} * 1000)`,
  // ReplacingMergeTree keeps the last row written per key once parts merge; the driver merges a
  // keyed table's parts right after each replaceInto (OPTIMIZE ... FINAL), see driver.ts.
  replaceInto: (table, columns, source) =>
    sql`INSERT INTO ${sql.ident(table)} (${sql.join(columns.map((c) => sql.ident(c)))}) ${source}`,
  visibleRows: (t) => visibleIn(t, false, []),
  // A mutation, run in the background: the rows may still be read for a while.
  deleteWhere: (table, condition) => sql`ALTER TABLE ${sql.ident(table)} DELETE WHERE ${condition}`,
};

/**
 * Rows of finished imports, of no import, or of the reader's own open batches (`mine`). In a
 * cluster the batch list is read once and sent to every shard (GLOBAL IN).
 */
export function visibleIn(t: Sql, cluster: boolean, mine: readonly number[]): Sql {
  const col = sql`${t}.${sql.ident('_batch')}`;
  const own = mine.length ? sql` OR ${col} IN (${sql.raw(mine.map((b) => String(Math.trunc(b))).join(', '))})` : sql.empty;
  return sql`(${col} = 0${own} OR ${col} ${sql.raw(cluster ? 'GLOBAL IN' : 'IN')} ${FINISHED_BATCHES})`;
}

/** The finished batches, as visibleIn tests a row's batch against them (done-batches.ts finds the test by it). */
export const FINISHED_BATCHES = sql`(SELECT toUInt32(batch) FROM ${sql.ident('_batches')} WHERE state = 'done')`;

/** A string literal for names used in DDL and catalog lookups (database, cluster, table). */
export const nameLiteral = stringLiteral;
