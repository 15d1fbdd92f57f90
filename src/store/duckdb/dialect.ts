// DuckDB's spelling of what differs between engines (see ../dialect.ts). Addresses are UHUGEINT,
// bound as decimal text and cast; times are TIMESTAMP (UTC), bound as ISO text and cast.
import type { Dialect } from '../dialect.js';
import { sql, type Sql } from '../sql.js';

export const duckDialect: Dialect = {
  name: 'DuckDB',
  placeholder(n, type) {
    if (type === 'address') return `$${n}::UHUGEINT`;
    if (type === 'time') return `$${n}::TIMESTAMP`;
    if (type === 'count') return `$${n}::BIGINT`;
    if (type === 'text') return `$${n}::VARCHAR`;
    if (type === 'text[]') return `$${n}::VARCHAR[]`;
    return `$${n}`;
  },
  quoteIdent: (name) => `"${name.replace(/"/g, '""')}"`,
  netKey: (addr, prefix) => sql`(${addr} >> (128 - ${prefix})::UTINYINT)`,
  networkStart: (addr, prefix) => sql`((${addr} >> (128 - ${prefix})::UTINYINT) << (128 - ${prefix})::UTINYINT)`,
  addrKey: (addr) => sql`(${addr} & 4294967295)::UINTEGER`,
  domainSuffixes: (name: Sql) =>
    sql`list_transform(string_split(${name}, '.'), (x, i) -> array_to_string(list_slice(string_split(${name}, '.'), i, -1), '.'))`,
  unnest: (list) => sql`unnest(${list})`,
  argMax: (arg, by) => sql`arg_max(${arg}, ${by})`,
  argMin: (arg, by) => sql`arg_min(${arg}, ${by})`,
  listAgg: (value) => sql`list(${value})`,
  listAggDistinct: (value) => sql`list_sort(list_distinct(list(${value})))`,
  contains: (haystack, needle) => sql`contains(${haystack}, ${needle})`,
  listText: (list, separator) => sql`array_to_string(${list}, ${separator})`,
  deviceUnit: (key) => sql`(hash(${key})::UHUGEINT | (1::UHUGEINT << 127))`,
  timeBucket: (unit, ts) => sql`date_trunc(${sql.raw(unit === 'hour' ? "'hour'" : "'day'")}, ${ts})`,
  fromEpochMs: (ms) => sql`make_timestamp(((${ms}) * 1000)::BIGINT)`,
  epochMs: (ts) => sql`epoch_ms(${ts})`,
  replaceInto: (table, columns, source) =>
    sql`INSERT OR REPLACE INTO ${sql.ident(table)} (${sql.join(columns.map((c) => sql.ident(c)))}) ${source}`,
  visibleRows: () => sql`TRUE`,
  deleteWhere: (table, condition) => sql`DELETE FROM ${sql.ident(table)} WHERE ${condition}`,
};
