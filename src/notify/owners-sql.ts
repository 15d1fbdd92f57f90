// The contact database: owners with their ASNs and blocks, replaced as a whole on import, and
// listed with how many victims each is the most specific owner of. Written over the driver.
import { randomUUID } from 'node:crypto';
import { parseCidr } from '../core/ip.js';
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { c, table, type Table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { Owner, OwnerRow } from '../store/store.js';
import { writeMeta } from '../store/meta.js';
import { windowsOf, type CensusSource } from '../census/count.js';
import { addressOwner, currentContacts, OWNERS_VERSION, victimOwners } from './owner-rule.js';

/**
 * Replaces the contact database with these owners, all at once: its rows carry a new version,
 * which becomes the one readers see (owner-rule.ts, currentContacts). An engine with transactions
 * deletes the earlier rows in the same transaction; on one without (ClickHouse, whose deletes are
 * asynchronous) they stay, unseen. The version is part of the data version (src/store/data-version.ts).
 */
export async function replaceOwners(store: { readonly driver: Driver }, owners: Owner[]): Promise<void> {
  const d = store.driver;
  const contacts = randomUUID();
  const rows: Row[] = [];
  const keys: Row[] = [];
  for (const w of owners) {
    rows.push({
      name: w.name,
      asns: w.asns.map(String),
      cidrs: w.cidrs,
      emails: w.emails,
      webhook_url: w.webhookUrl,
      webhook_secret: w.webhookSecret,
      language: w.language,
      interval_days: w.intervalDays,
      format: w.format,
      contacts,
    });
    for (const asn of w.asns) keys.push({ owner: w.name, asn, contacts });
    for (const c of w.cidrs) {
      const r = parseCidr(c);
      if (!r) throw new BotcensusError('BAD_INPUT', `owner ${w.name}: not a CIDR: ${c}`);
      keys.push({ owner: w.name, lo: r.lo, hi: r.hi, prefix: r.prefix128, contacts });
    }
  }
  await d.atomically(async () => {
    if (d.can('transactions')) {
      await d.run(sql`DELETE FROM owners`);
      await d.run(sql`DELETE FROM owner_keys`);
    }
    await d.load(table('owners'), rows);
    await d.load(table('owner_keys'), keys);
    await writeMeta(d, OWNERS_VERSION, contacts);
  });
}

/** The most specific owner of one address (its AS from its enrichment), by the rule in owner-rule.ts. */
export async function ownerOf(d: Driver, ip: bigint): Promise<string | undefined> {
  const host = await d.one<{ asn: bigint | number | null }>(sql`SELECT h.asn AS asn FROM hosts h WHERE h.ip = ${sql.address(ip)} AND ${d.dialect.visibleRows(sql.ident('h'))}`);
  const asn = host?.asn === null || host?.asn === undefined ? undefined : Number(host.asn);
  const r = await d.one<{ owner: string | null }>(sql`SELECT o.owner AS owner FROM (${addressOwner(ip, asn)}) o`);
  return r?.owner ?? undefined;
}

/** A work table of addresses, each once: the victims whose owners are asked for. */
const VICTIMS: Table = { name: 'owner_victims', columns: [c('victim', 'address', true)] };

/** Every owner, by name, with the victims (all time) whose most specific owner it is. */
export async function listOwners(store: { readonly driver: Driver }): Promise<OwnerRow[]> {
  const d = store.driver;
  // The victims once into a work table: the rule reads them twice (blocks, then ASes).
  const rows = await d.withWorkTable(VICTIMS, VICTIMS.name, async (work) => {
    await d.run(sql`INSERT INTO ${work.ref} (victim) SELECT DISTINCT s.victim FROM sightings s WHERE ${d.dialect.visibleRows(sql.ident('s'))}`);
    const victims = sql`SELECT w.victim AS victim FROM ${work.ref} w`;
    return d.all<Row>(
      sql`SELECT o.name AS name, o.asns AS asns, o.cidrs AS cidrs, o.emails AS emails, o.webhook_url AS webhook_url, o.webhook_secret AS webhook_secret,
                 o.language AS language, o.interval_days AS interval_days, o.format AS format, coalesce(n.victims, 0) AS victims
          FROM owners o
          LEFT JOIN (SELECT vo.owner AS owner, count(*) AS victims FROM (${victimOwners(victims)}) vo GROUP BY vo.owner) n ON n.owner = o.name
          WHERE ${currentContacts('o')}
          ORDER BY o.name`,
    );
  });
  return rows.map((r) => ({
    name: r.name as string,
    asns: ((r.asns as string[] | null) ?? []).map(Number),
    cidrs: (r.cidrs as string[] | null) ?? [],
    emails: (r.emails as string[] | null) ?? [],
    webhookUrl: (r.webhook_url as string | null) ?? undefined,
    webhookSecret: (r.webhook_secret as string | null) ?? undefined,
    language: (r.language as string | null) ?? 'en',
    intervalDays: Number(r.interval_days ?? 7),
    format: ((r.format as string | null) ?? 'csv-attachment') as Owner['format'],
    victims: Number(r.victims),
  }));
}

/** Victims with no owner entry, per AS of their enrichment (undefined: none). */
export interface NoContactNetwork {
  asn?: number;
  asOrg?: string;
  victims: number;
}

/**
 * Victims of all time with no owner and on no warninglist, per AS, most victims first: read from
 * the census's all-time window (kept between processes where the engine keeps windows), so
 * `owners list` does not fold every sighting again.
 */
export async function noContactNetworks(store: CensusSource): Promise<NoContactNetwork[]> {
  return windowsOf(store).read({}, async (w) => {
    const rows = await store.driver.all<{ asn: number | bigint | null; as_org: string | null; n: bigint | number }>(
      sql`SELECT v.asn AS asn, min(v.as_org) AS as_org, count(*) AS n FROM ${w.victims} v
          WHERE v.owner IS NULL AND v.warned_by IS NULL
          GROUP BY v.asn ORDER BY n DESC, CASE WHEN v.asn IS NULL THEN 1 ELSE 0 END, v.asn`,
    );
    return rows.map((r) => ({ asn: r.asn === null ? undefined : Number(r.asn), asOrg: r.as_org ?? undefined, victims: Number(r.n) }));
  });
}
