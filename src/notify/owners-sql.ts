// The contact database: owners with their ASNs and blocks, replaced as a whole on import, and
// listed with how many victims each is the most specific owner of. Written over the driver.
import { parseCidr } from '../core/ip.js';
import { BotcensusError } from '../core/errors.js';
import type { Driver, Row } from '../store/driver.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { Owner, OwnerRow } from '../store/store.js';
import { OWNER_OF_VICTIMS } from './owner-rule.js';

/** Replaces the contact database with these owners, all at once. */
export async function replaceOwners(store: { readonly driver: Driver }, owners: Owner[]): Promise<void> {
  const d = store.driver;
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
    });
    for (const asn of w.asns) keys.push({ owner: w.name, asn });
    for (const c of w.cidrs) {
      const r = parseCidr(c);
      if (!r) throw new BotcensusError('BAD_INPUT', `owner ${w.name}: not a CIDR: ${c}`);
      keys.push({ owner: w.name, lo: r.lo, hi: r.hi, prefix: r.prefix128 });
    }
  }
  await d.atomically(async () => {
    await d.run(sql`DELETE FROM owners`);
    await d.run(sql`DELETE FROM owner_keys`);
    await d.load(table('owners'), rows);
    await d.load(table('owner_keys'), keys);
  });
}

/** Every owner, by name, with the victims (all time) whose most specific owner it is. */
export async function listOwners(store: { readonly driver: Driver }): Promise<OwnerRow[]> {
  const rows = await store.driver.all<Row>(
    sql`WITH s0 AS (SELECT DISTINCT victim FROM sightings), ${OWNER_OF_VICTIMS},
        n AS (SELECT owner, count(*) AS victims FROM vo GROUP BY owner)
        SELECT o.*, coalesce(n.victims, 0) AS victims FROM owners o LEFT JOIN n ON n.owner = o.name ORDER BY o.name`,
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
    victims: Number(r.victims),
  }));
}
