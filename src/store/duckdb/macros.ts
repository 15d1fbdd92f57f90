// SQL macros the queries share: address-range keys and domain suffixes.
import type { Db } from './connection.js';

export async function createMacros(db: Db): Promise<void> {
  // All suffixes of a name, itself first: a.b.example.com -> [a.b.example.com, b.example.com, example.com, com].
  await db.run(`CREATE OR REPLACE TEMP MACRO domain_suffixes(d) AS
    list_transform(string_split(d, '.'), (x, i) -> array_to_string(list_slice(string_split(d, '.'), i, -1), '.'))`);
  // The network part of an address for a prefix length (in the 128-bit space).
  await db.run(`CREATE OR REPLACE TEMP MACRO net_key(a, p) AS (a >> (128 - p)::UTINYINT)`);
  await db.run(`CREATE OR REPLACE TEMP MACRO ms_ts(ms) AS make_timestamp((ms * 1000)::BIGINT)`);
}
