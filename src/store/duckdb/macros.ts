// SQL macros the queries share: address-range keys and domain suffixes.
import type { Db } from './connection.js';

export async function createMacros(db: Db): Promise<void> {
  // All suffixes of a name, itself first: a.b.example.com -> [a.b.example.com, b.example.com, example.com, com].
  await db.run(`CREATE OR REPLACE TEMP MACRO domain_suffixes(d) AS
    list_transform(string_split(d, '.'), (x, i) -> array_to_string(list_slice(string_split(d, '.'), i, -1), '.'))`);
  // The network part of an address for a prefix length (in the 128-bit space).
  await db.run(`CREATE OR REPLACE TEMP MACRO net_key(a, p) AS (a >> (128 - p)::UTINYINT)`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ms_ts(ms) AS make_timestamp((ms * 1000)::BIGINT)`);
  await createAddressMacros(db);
}

/** Address macros: ip4_of for addressFromParts, ip_text for exports. */
/** ::ffff:0.0.0.0: an IPv4 address as a number, plus this, is the address as stored. */
export const IPV4_MAPPED = '281470681743360::UHUGEINT';
/** ::ffff:255.255.255.255, the last IPv4-mapped address. */
export const IPV4_LAST = '281474976710655::UHUGEINT';

export async function createAddressMacros(db: Db): Promise<void> {
  // ip4_of: the address from its dotted parts already cast to UTINYINT (NULL when one is not a
  // number up to 255), as strict as the line reader (node:net's isIPv4): digits and dots only, no
  // leading zeros. TRY_CAST alone would take ' 1', '+1', '01', '0x1', '1_0' and '1e2'; all of
  // these but the exponent are longer than the number's own digits, so a length check and no 'e'
  // make it exact, without the two regular expressions this replaced (they cost as much as the
  // split and the casts together).
  await db.run(`CREATE OR REPLACE TEMP MACRO ip4_digits(v) AS (1 + (v >= 10)::UTINYINT + (v >= 100)::UTINYINT)`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ip4_of(n, v1, v2, v3, v4, a) AS
    CASE WHEN n = 4 AND len(a) = 3 + ip4_digits(v1) + ip4_digits(v2) + ip4_digits(v3) + ip4_digits(v4)
              AND NOT contains(a, 'e') AND NOT contains(a, 'E')
      THEN ${IPV4_MAPPED} + ((v1::UBIGINT << 24) + (v2::UBIGINT << 16) + (v3::UBIGINT << 8) + v4::UBIGINT) END`);
  // Back to text for exports, as formatIp writes it (RFC 5952): dotted quads; IPv6 as its groups
  // between colons (':2001:db8:0:0:0:0:0:5:'), the first longest run of two or more zero groups
  // replaced by '::', and the outer colons dropped where they are not part of that '::'.
  await db.run(`CREATE OR REPLACE TEMP MACRO ip6_groups(n) AS
    ':' || array_to_string(list_transform(range(7, -1, -1), i -> format('{:x}', ((n >> (i * 16)::UTINYINT) & 65535)::UINTEGER)), ':') || ':'`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ip6_zero_run(s) AS
    list_reduce(list_prepend('', regexp_extract_all(s, '(?::0)+:')), (a, b) -> CASE WHEN length(b) > length(a) THEN b ELSE a END)`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ip6_outer(t) AS
    CASE WHEN starts_with(t, '::') THEN t ELSE substr(t, 2) END`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ip6_text(s, run) AS
    CASE WHEN length(run) < 5 THEN trim(s, ':')
    ELSE reverse(ip6_outer(reverse(ip6_outer(regexp_replace(s, run, '::'))))) END`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ip_text(n) AS
    CASE WHEN n >> 32 = 65535 THEN concat_ws('.', (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255)
    ELSE ip6_text(ip6_groups(n), ip6_zero_run(ip6_groups(n))) END`);
}

/**
 * Address text to the 128-bit integer, in SQL, for files DuckDB reads itself (the flow fast path):
 * `from` (a subquery) with layers over its address column `col`, read by addressFromParts. NULL
 * for anything that is not a plain dotted quad or a plain IPv6 address (no zone, no embedded
 * IPv4): the caller then falls back to the JavaScript reader, which explains bad lines.
 *
 * Subquery layers, so that each piece is computed once per row and the IPv6 work only for IPv6
 * rows (a macro's argument repeated in its body is computed at each use). DuckDB's
 * common-subexpression pass lifts any expression that occurs twice in a projection out of its
 * CASE or coalesce and computes it for every row: the IPv6 macro this replaced, whose pieces
 * repeated, cost IPv4 rows about 1 s per 5M rows. So no layer repeats anything costly:
 * - the dotted parts, split and cast once (`${as}_n`, `${as}_1` to `${as}_4`);
 * - `${as}_6`: the text when it has a colon, else NULL, then its colon count and whether it
 *   starts, ends or contains '::';
 * - `${as}_6n`: '::' replaced by the zero groups it stands for, as eight plain groups.
 * addressFromParts then reads the IPv4 parts, or the eight groups behind one regular expression.
 *
 * `known`: a column that already holds the address as its number where the text was read already
 * (the prefilter's kept lines: plain dotted quads and plain IPv6), NULL elsewhere; the layers then
 * parse only the rest.
 */
export function addressParts(from: string, col: string, as: string, known?: string): string {
  const cast = [1, 2, 3, 4].map((i) => `TRY_CAST(${as}_x[${i}] AS UTINYINT) AS ${as}_${i}`).join(', ');
  const six = `${as}_6`;
  // The groups present: one per colon, less one for a leading and one for a trailing '::'.
  const missing = `8 - (${six}_c - ${six}_s::INT - ${six}_e::INT)`;
  const layers = [
    known === undefined
      ? `SELECT *, string_split(${col}, '.') AS ${as}_x, CASE WHEN contains(${col}, ':') THEN ${col} END AS ${six}`
      : `SELECT *, CASE WHEN ${known} IS NULL THEN string_split(${col}, '.') END AS ${as}_x,
                CASE WHEN ${known} IS NULL AND contains(${col}, ':') THEN ${col} END AS ${six}`,
    `SELECT *, len(${as}_x) AS ${as}_n, ${cast},
            len(${six}) - len(replace(${six}, ':', '')) AS ${six}_c, starts_with(${six}, '::') AS ${six}_s,
            ends_with(${six}, '::') AS ${six}_e, contains(${six}, '::') AS ${six}_d`,
    // '::' must stand for at least one group.
    `SELECT *, CASE WHEN NOT ${six}_d THEN ${six} WHEN ${missing} >= 1 THEN replace(${six}, '::', ':' || repeat('0:', ${missing})) END AS ${six}_r`,
    // A leading (trailing) '::' left one colon too many in front (at the end).
    `SELECT *, substr(${six}_r, 1 + ${six}_s::INT, len(${six}_r) - ${six}_s::INT - ${six}_e::INT) AS ${six}n`,
  ];
  return layers.reduce((inner, layer) => `${layer} FROM (${inner})`, from);
}

/**
 * The address of column `col` as a UHUGEINT (IPv4 as ::ffff:a.b.c.d), from the layers addressParts
 * added (with the same `known`); NULL if not one.
 */
export function addressFromParts(col: string, as: string, known?: string): string {
  const groups = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `(('0x' || split_part(${as}_6n, ':', ${i}))::USMALLINT::UHUGEINT << ${16 * (8 - i)})`);
  const ip6 = `CASE WHEN regexp_full_match(${as}_6n, '([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}') THEN ${groups.join(' + ')} END`;
  // coalesce computes the IPv6 branch only for rows the IPv4 one left NULL.
  const ip4 = `ip4_of(${as}_n, ${as}_1, ${as}_2, ${as}_3, ${as}_4, ${col})`;
  return `coalesce(${known === undefined ? '' : `${known}, `}${ip4}, ${ip6})`;
}
