// Which owner a victim belongs to, written once over the dialect: the most specific match wins
// (a longer prefix beats a shorter one, any block beats an ASN).
import { sql, type Sql } from '../store/sql.js';

/**
 * CTE `vo` (victim, owner): the most specific owner of each victim of CTE `s0`, which holds each
 * victim once. Blocks are compared by network key, per distinct prefix length in the contact database.
 */
export const OWNER_OF_VICTIMS: Sql = sql.dialect(
  (d) => sql`
  vo AS (
    SELECT victim, ${d.argMax(sql`owner`, sql`spec`)} AS owner FROM (
      SELECT x.victim, k.owner, k.prefix AS spec
      FROM s0 x CROSS JOIN (SELECT DISTINCT prefix FROM owner_keys WHERE prefix IS NOT NULL) pk
      JOIN owner_keys k ON k.prefix = pk.prefix AND ${d.netKey(sql`k.lo`, sql`k.prefix`)} = ${d.netKey(sql`x.victim`, sql`pk.prefix`)}
      UNION ALL
      SELECT x.victim, k.owner, 0 AS spec
      FROM s0 x JOIN hosts h ON h.ip = x.victim JOIN owner_keys k ON k.asn = h.asn)
    GROUP BY victim)`,
);
