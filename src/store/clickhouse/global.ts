// On a cluster, the subqueries and joined tables of a query are read once, on the node the query
// came to, and sent to the shards (GLOBAL IN, GLOBAL JOIN): the shards run the query's parts over
// their local tables and have neither the work tables (Memory tables on that node) nor, for a
// subquery over a Distributed table, leave to read it again from each shard. The stages write
// plain IN and JOIN; the driver says GLOBAL for them, outside string literals and quoted names.

const KIND = '(?:GLOBAL|ANY|ALL|LEFT|RIGHT|INNER|FULL|CROSS|OUTER|NOT)';
const IN_SUBQUERY = new RegExp(`(?<!\\b${KIND}\\s+)\\b(NOT\\s+)?IN(\\s*\\(\\s*SELECT\\b)`, 'gi');
const JOIN = new RegExp(`(?<!\\b${KIND}\\s+)\\b((?:(?:ANY|ALL)\\s+)?(?:(?:LEFT|RIGHT|INNER|FULL|CROSS)\\s+)?(?:OUTER\\s+)?JOIN)\\b`, 'gi');

/** `text` with each IN (SELECT ...) and JOIN made GLOBAL, unless written so. */
export function globalSubqueries(text: string): string {
  // Quoted pieces ('...' with '' or \ escapes, `...`) are kept as they are.
  return text
    .split(/('(?:[^'\\]|\\.|'')*'|`(?:[^`\\]|\\.)*`)/)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(IN_SUBQUERY, (_m, not: string | undefined, rest: string) => `GLOBAL ${not ?? ''}IN${rest}`).replace(JOIN, 'GLOBAL $1')))
    .join('');
}
