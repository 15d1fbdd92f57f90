// What a census says of a victim address whatever the window: its enrichment (country, AS,
// organisation, special-purpose label), the CIDR warninglists that hold it and its owner, joined
// onto a window's victims from the hosts, the warninglists and the contact database
// (`joinAttributes`), or read from a window that has them already (`attributesOf`): the all-time
// window holds every victim, so a window of the same data version takes them from it with one join
// instead of three or four (neutral-windows.ts).
//
// Written in the SQL that DuckDB and ClickHouse 18.16 both accept (see neutral-windows.ts).
import type { Driver } from '../store/driver.js';
import { sql, type Sql } from '../store/sql.js';
import { currentContacts, splitRule } from '../enrich/owner-rule.js';
import { visible } from './evidence.js';

/** The columns the attributes give a window's victims. */
export const ATTRIBUTES = ['country', 'asn', 'as_org', 'special', 'warned_by', 'owner'];

export const nullIfEmpty = (x: Sql) => sql`CASE WHEN ${x} = '' THEN NULL ELSE ${x} END`;

/** A NULL text value (a CASE with no match: text on both engines, where a bare NULL has no type on ClickHouse). */
export const NO_TEXT = sql`CASE WHEN 1 = 0 THEN '' END`;

/**
 * Which of the victims' joins have rows to join: identified devices, CIDR warninglists, owners. A
 * join against nothing gives every victim NULL there, and still costs its passes over the
 * victims (on ClickHouse a fifth of a window's time each), so it is left out. Read inside the
 * kept table's section: the data version of its key covers all three.
 */
export interface Joined {
  devices: boolean;
  cidrs: boolean;
  owners: boolean;
}

export async function joined(d: Driver): Promise<Joined> {
  // A column of the table, not a constant: ClickHouse 18.16 loses a constant column over a Distributed table.
  const some = (rows: Sql) => sql`(SELECT count(*) FROM (${rows} LIMIT 1) x)`;
  const r = await d.one<Record<keyof Joined, unknown>>(
    sql`SELECT ${some(sql`SELECT da.device FROM device_addresses da WHERE ${visible(d, 'da')}`)} AS devices,
               ${some(sql`SELECT w.list FROM warnings w WHERE ${visible(d, 'w')} AND w.kind = 'cidr'`)} AS cidrs,
               ${some(sql`SELECT o.owner FROM owner_keys o WHERE ${currentContacts('o')}`)} AS owners`,
  );
  return { devices: Number(r?.devices) > 0, cidrs: Number(r?.cidrs) > 0, owners: Number(r?.owners) > 0 };
}

/** Per address of `addresses` (rows `victim`), each prefix length of `prefixes` (rows `prefix`) and its network key at that length. */
function networkKeys(d: Driver, addresses: Sql, prefixes: Sql): Sql {
  return sql`(SELECT x.victim AS victim, x.prefix AS prefix, ${d.dialect.netKey(sql`x.victim`, sql`x.prefix`)} AS k
              FROM (SELECT v.victim AS victim, p.prefix AS prefix FROM ${addresses} v CROSS JOIN ${prefixes} p) x)`;
}

/** Per address of `addresses` on a CIDR warninglist: the lists, sorted, '; '-joined. */
function warned(d: Driver, addresses: Sql): Sql {
  const cidrs = sql`(SELECT w.list AS list, coalesce(w.prefix, 0) AS prefix, ${d.dialect.netKey(sql`w.lo`, sql`w.prefix`)} AS k
                     FROM warnings w WHERE ${visible(d, 'w')} AND w.kind = 'cidr')`;
  const prefixes = sql`(SELECT DISTINCT coalesce(w.prefix, 0) AS prefix FROM warnings w WHERE ${visible(d, 'w')} AND w.kind = 'cidr')`;
  return sql`(SELECT n.victim AS victim, ${d.dialect.listText(d.dialect.listAggDistinct(sql`w.list`), '; ')} AS lists
              FROM ${networkKeys(d, addresses, prefixes)} n JOIN ${cidrs} w ON w.prefix = n.prefix AND w.k = n.k GROUP BY n.victim)`;
}

/** A relation of rows with a `victim` column, with the attributes' columns added. */
export type WithAttributes = (rows: Sql) => Sql;

/**
 * The attributes joined onto rows of `addresses` (or of a relation holding only addresses of
 * `addresses`: the warninglists and the owner blocks are looked up for `addresses`, which is read
 * twice more, so name a table or a cheap query).
 */
export function joinAttributes(d: Driver, has: Joined, addresses: Sql): WithAttributes {
  return (rows) => {
    const withHost = sql`(SELECT v.*, h.country AS country, h.asn AS asn, h.as_org AS as_org, h.special AS special
                          FROM ${rows} v
                          LEFT JOIN (SELECT h0.ip AS ip, h0.country AS country, h0.asn AS asn, h0.as_org AS as_org, h0.special AS special
                                     FROM hosts h0 WHERE ${visible(d, 'h0')}) h ON h.ip = v.victim)`;
    const withWarned = has.cidrs
      ? sql`(SELECT v.*, ${nullIfEmpty(sql`w.lists`)} AS warned_by FROM ${withHost} v LEFT JOIN ${warned(d, addresses)} w ON w.victim = v.victim)`
      : sql`(SELECT v.*, ${NO_TEXT} AS warned_by FROM ${withHost} v)`;
    // The AS owner from the AS joined above (a join with the few ASes of the contact database),
    // rather than the rule's own read of the hosts.
    return has.owners
      ? sql`(SELECT v.*, ${nullIfEmpty(splitRule.winner(sql`v.block_owner`, sql`v.block_spec`, sql`a.owner`))} AS owner
             FROM (SELECT v.*, b.owner AS block_owner, b.owner_spec AS block_spec
                   FROM ${withWarned} v LEFT JOIN (${splitRule.blocks(sql`SELECT a0.victim AS victim FROM ${addresses} a0`)}) b ON b.victim = v.victim) v
             LEFT JOIN (${splitRule.byAs()}) a ON a.asn = v.asn)`
      : sql`(SELECT v.*, ${NO_TEXT} AS owner FROM ${withWarned} v)`;
  };
}

/** The attributes read from `table`, a window's victims of the same data version holding every victim of the rows. */
export function attributesOf(table: Sql): WithAttributes {
  return (rows) => sql`(SELECT v.*, ${sql.raw(ATTRIBUTES.map((x) => `a.${x} AS ${x}`).join(', '))} FROM ${rows} v LEFT JOIN ${table} a ON a.victim = v.victim)`;
}
