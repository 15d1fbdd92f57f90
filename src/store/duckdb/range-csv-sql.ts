// DuckDB reading the zero-setup range files (@ip-location-db's numeric CSV) itself, a fast path of
// the enrichment's loader: the same rows as the line-by-line reader (core/range-files.ts
// numericRanges) bucketed as core/geo-buckets.ts says, a few times faster.
import { GEO_LEVELS, GEO_MAX_BUCKETS } from '../../core/geo-buckets.js';
import type { Db } from './connection.js';
import { IPV4_MAPPED } from './macros.js';

export interface NumericRangeTarget {
  role: 'asn' | 'country';
  src: number;
  /** IPv4 bounds, stored as ::ffff:a.b.c.d. */
  v4: boolean;
}

/** The level of a range (lo, hi): the first of GEO_LEVELS where it spans at most GEO_MAX_BUCKETS buckets. */
const LEVEL = `CASE ${GEO_LEVELS.map((l) => `WHEN (hi >> ${128 - l}) - (lo >> ${128 - l}) < ${GEO_MAX_BUCKETS} THEN ${l}`).join(' ')} END`;

/** Loads one file's ranges into the role's range table; returns how many ranges. */
export async function loadNumericRanges(db: Db, file: string, t: NumericRangeTarget): Promise<number> {
  const off = t.v4 ? `+ ${IPV4_MAPPED}` : '';
  const cols = t.role === 'asn' ? 4 : 3;
  const values = t.role === 'asn' ? 'column2::BIGINT AS asn, column3 AS org' : 'column2 AS country';
  await db.run(
    `CREATE OR REPLACE TEMP TABLE range_file AS
     SELECT column0::UHUGEINT ${off} AS lo, column1::UHUGEINT ${off} AS hi, ${values}
     FROM read_csv($f, header = false, columns = {${Array.from({ length: cols }, (_, i) => `'column${i}': 'VARCHAR'`).join(', ')}}, quote = '"')`,
    { f: file },
  );
  const n = Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM range_file`))!.n);
  const into = t.role === 'asn' ? 'geo_asn' : 'geo_country';
  await db.run(
    `INSERT INTO ${into} BY NAME
     WITH l AS (SELECT *, ${LEVEL} AS level FROM range_file),
          s AS (SELECT *, (128 - level)::UTINYINT AS sh FROM l),
          x AS (SELECT *, unnest(range(((hi >> sh) - (lo >> sh))::BIGINT + 1)) AS i FROM s)
     SELECT * EXCLUDE (sh, i), ((lo >> sh) + i::UHUGEINT) << sh AS b, ${t.src}::USMALLINT AS src, hi - lo AS width FROM x`,
  );
  await db.run(`DROP TABLE range_file`);
  return n;
}
