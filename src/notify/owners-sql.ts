// The contact database: owners with their ASNs and blocks, replaced as a whole on import, and
// listed with how many victims each is the most specific owner of. Written over the driver.
import { randomUUID } from 'node:crypto';
import { parseCidr } from '../core/ip.js';
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { Owner, OwnerRow } from '../store/store.js';
import { writeMeta } from '../store/meta.js';
import { windowsOf, type CensusSource } from '../census/count.js';
import { addressOwner, currentContacts, OWNERS_VERSION } from '../enrich/owner-rule.js';

/**
 * Replaces the contact database with these owners, all at once: its rows carry a new version,
 * which becomes the one readers see (src/enrich/owner-rule.ts, currentContacts). An engine with
 * transactions deletes the earlier rows in the same transaction; on one without (ClickHouse, whose
 * deletes are asynchronous) they stay, unseen. The version is part of the data version
 * (src/store/data-version.ts).
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

/** The most specific owner of one address (its AS from its enrichment), by the rule in src/enrich/owner-rule.ts. */
export async function ownerOf(d: Driver, ip: bigint): Promise<string | undefined> {
  const host = await d.one<{ asn: bigint | number | null }>(sql`SELECT h.asn AS asn FROM hosts h WHERE h.ip = ${sql.address(ip)} AND ${d.dialect.visibleRows(sql.ident('h'))}`);
  const asn = host?.asn === null || host?.asn === undefined ? undefined : Number(host.asn);
  const r = await d.one<{ owner: string | null }>(sql`SELECT o.owner AS owner FROM (${addressOwner(ip, asn)}) o`);
  return r?.owner ?? undefined;
}

/** Every owner of the current contact database, by name. */
export async function currentOwners(d: Driver): Promise<Owner[]> {
  const rows = await d.all<Row>(
    sql`SELECT o.name AS name, o.asns AS asns, o.cidrs AS cidrs, o.emails AS emails, o.webhook_url AS webhook_url, o.webhook_secret AS webhook_secret,
               o.language AS language, o.interval_days AS interval_days, o.format AS format
        FROM owners o WHERE ${currentContacts('o')} ORDER BY o.name`,
  );
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
  }));
}

/**
 * Every owner of the current contact database, by name, with the victims (all time) whose most
 * specific owner it is: counted in the census's all-time window, whose owners follow the same
 * rule (src/enrich/owner-rule.ts), so `owners list` agrees with the census by owner and reads a
 * window the engine may keep instead of every sighting.
 */
export async function listOwners(store: CensusSource): Promise<OwnerRow[]> {
  const owners = await currentOwners(store.driver);
  if (!owners.length) return [];
  const counts = await windowsOf(store).read({}, (w) =>
    store.driver.all<{ owner: string; n: bigint | number }>(sql`SELECT v.owner AS owner, count(*) AS n FROM ${w.victims} v WHERE v.owner IS NOT NULL GROUP BY v.owner`),
  );
  const victims = new Map(counts.map((r) => [r.owner, Number(r.n)]));
  return owners.map((o) => ({ ...o, victims: victims.get(o.name) ?? 0 }));
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
