// Which owner an address belongs to, from the contact database (src/notify/owners-sql.ts imports
// it) and the address's enrichment: of the owners whose block holds the address or whose AS
// announces it, the most specific wins (a longer prefix beats a shorter one, any block beats an
// AS; among equals the least name). Written once over the dialect and used wherever owners are
// asked about: the census windows computed over the shared tables, owner lists and portals,
// notifications, lookup.
import { sql, type Sql } from '../store/sql.js';

/** The meta key naming the current contact database (owners-sql.ts writes it with the rows). */
export const OWNERS_VERSION = 'owners_version';

/**
 * A condition on alias `t` of owners or owner_keys: the row is one of the current contact
 * database's (a store written before rows carried their database has neither: both empty).
 */
export function currentContacts(t: string): Sql {
  return sql.dialect(
    (d) => sql`coalesce(${sql.ident(t, 'contacts')}, '') = coalesce((SELECT max(m.value) FROM meta m WHERE m.key = ${OWNERS_VERSION} AND ${d.visibleRows(sql.ident('m'))}), '')
      AND ${d.visibleRows(sql.ident(t))}`,
  );
}

/** How specific an AS match is: less than any block (a block's is its prefix length, /0 aside). */
const AS_SPEC = sql`0`;

/**
 * Of candidate rows (victim, owner, spec), each victim's most specific owner, the least name among
 * equals (two owners listing the same block): rows (victim, owner, owner_spec: its specificity; not
 * `spec`, which ClickHouse would read inside the aggregates as this alias). One pass over the
 * candidates: the least name per victim and specificity, then per victim the most specific of those.
 */
function mostSpecific(candidates: Sql): Sql {
  return sql.dialect(
    (d) => sql`SELECT b.victim AS victim, ${d.argMax(sql`b.owner`, sql`b.spec`)} AS owner, max(b.spec) AS owner_spec
               FROM (SELECT c.victim AS victim, c.spec AS spec, min(c.owner) AS owner FROM (${candidates}) c GROUP BY c.victim, c.spec) b
               GROUP BY b.victim`,
  );
}

/**
 * Candidates (victim, owner, spec) from the blocks holding each address of `victims` (rows with a
 * column `victim`): addresses and blocks compared by network key, once per distinct prefix length
 * in the contact database.
 */
function blockCandidates(victims: Sql): Sql {
  return sql.dialect(
    (d) => sql`
    SELECT b.victim AS victim, k.owner AS owner, k.spec AS spec
    FROM (
      SELECT x.victim AS victim, pk.prefix AS prefix, ${d.netKey(sql`x.victim`, sql`pk.prefix`)} AS net
      FROM (${victims}) x
      CROSS JOIN (SELECT DISTINCT o.prefix AS prefix FROM owner_keys o WHERE o.prefix IS NOT NULL AND ${currentContacts('o')}) pk
    ) b
    JOIN (
      SELECT o.owner AS owner, o.prefix AS prefix, ${d.netKey(sql`o.lo`, sql`o.prefix`)} AS net, coalesce(o.prefix, 0) AS spec
      FROM owner_keys o WHERE o.prefix IS NOT NULL AND ${currentContacts('o')}
    ) k ON k.prefix = b.prefix AND k.net = b.net`,
  );
}

/**
 * The rule over many addresses whose AS is joined already (the census's victim attributes):
 * `blocks` gives each address's most specific block owner and its prefix length (rows victim,
 * owner, owner_spec), `byAs` each AS's owner (rows asn, owner), and `winner` picks between an
 * address's two.
 */
export const splitRule = {
  blocks: (victims: Sql): Sql => mostSpecific(blockCandidates(victims)),
  byAs: (): Sql => sql`SELECT o.asn AS asn, min(o.owner) AS owner FROM owner_keys o WHERE o.asn IS NOT NULL AND ${currentContacts('o')} GROUP BY o.asn`,
  /**
   * The owner of a victim from its block owner (`block`, of prefix length `spec`) and its AS's
   * owner (`byAs`), either missing (NULL, or '' where a LEFT JOIN fills defaults): any block but
   * a /0 beats an AS; a /0 ties with it, and the least name wins.
   */
  winner: (block: Sql, spec: Sql, byAs: Sql): Sql =>
    sql`CASE WHEN coalesce(${block}, '') = '' THEN ${byAs}
             WHEN coalesce(${byAs}, '') = '' OR ${spec} > ${AS_SPEC} OR ${block} < ${byAs} THEN ${block}
             ELSE ${byAs} END`,
};

/**
 * The most specific owner of one address, victim or not, its AS given (from its enrichment):
 * at most one row (victim, owner).
 */
export function addressOwner(ip: bigint, asn: number | undefined): Sql {
  const blocks = blockCandidates(sql`SELECT ${sql.address(ip)} AS victim`);
  if (asn === undefined) return mostSpecific(blocks);
  const byAs = sql.dialect(
    (d) => sql`SELECT ${sql.address(ip)} AS victim, o.owner AS owner, ${AS_SPEC} AS spec FROM owner_keys o WHERE o.asn = ${asn} AND ${currentContacts('o')}`,
  );
  return mostSpecific(sql`${blocks} UNION ALL ${byAs}`);
}
