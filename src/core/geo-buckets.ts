// How the enrichment range tables are keyed, one definition for every engine and loader. A range
// is stored once per bucket it overlaps, at the finest level where that is at most MAX_BUCKETS
// buckets; a level is a prefix length in the 128-bit address space (IPv4 as ::ffff:a.b.c.d, so
// level 120 is an IPv4 /24). An address finds its ranges by an equality join on its bucket at
// each level present and a test of a few rows, in any SQL engine, instead of a range join.
// Levels 8 bits apart, at most 4 buckets: a range is at most four rows (an IPv4 /22 is four /24
// buckets, a /20 one /16), and a bucket holds few ranges of its level (each spans more than four
// buckets of the next finer level, so at most 64 fit, plus the overlaps of nested data). IPv4
// ranges smaller than a /24 share their /24's bucket rather than take one row per address.
export const GEO_LEVELS = [120, 112, 104, 96, 88, 80, 72, 64, 56, 48, 40, 32, 24, 16, 8, 4, 2] as const;
export const GEO_MAX_BUCKETS = 4;

export interface GeoBuckets {
  level: number;
  /** The first and last bucket: the range's bounds shifted right by 128 - level. */
  first: bigint;
  last: bigint;
}

/**
 * A bucket as stored and joined on: its first address (the network start at the level), which
 * every engine's dialect computes alike (networkStart).
 */
export function bucketStart(level: number, bucket: bigint): bigint {
  return bucket << BigInt(128 - level);
}

/** The level and buckets of a range (every range fits at level 2: its four buckets cover the space). */
export function geoBuckets(lo: bigint, hi: bigint): GeoBuckets {
  for (const level of GEO_LEVELS) {
    const shift = BigInt(128 - level);
    const first = lo >> shift;
    const last = hi >> shift;
    if (last - first < BigInt(GEO_MAX_BUCKETS)) return { level, first, last };
  }
  throw new RangeError(`not a range of 128-bit addresses: ${lo}-${hi}`);
}
