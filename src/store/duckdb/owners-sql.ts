// The contact database: owners with their ASNs and blocks, replaced as a whole on import.
import { parseCidr } from '../../core/ip.js';
import { BotcensusError } from '../../core/errors.js';
import { table } from '../schema.js';
import type { Owner, OwnerRow } from '../store.js';
import { TableAppender } from './appender.js';
import type { Db } from './connection.js';
import { victimWindow } from './window-sql.js';

export async function replaceOwners(db: Db, owners: Owner[]): Promise<void> {
  await db.transaction(async () => {
    await db.run(`DELETE FROM owners`);
    await db.run(`DELETE FROM owner_keys`);
    const o = await TableAppender.open(db, table('owners'));
    const k = await TableAppender.open(db, table('owner_keys'));
    for (const w of owners) {
      o.row({
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
      for (const asn of w.asns) k.row({ owner: w.name, asn });
      for (const c of w.cidrs) {
        const r = parseCidr(c);
        if (!r) throw new BotcensusError('BAD_INPUT', `owner ${w.name}: not a CIDR: ${c}`);
        k.row({ owner: w.name, lo: r.lo, hi: r.hi, prefix: r.prefix128 });
      }
    }
    o.flush();
    o.close();
    k.flush();
    k.close();
  });
}

export async function listOwners(db: Db): Promise<OwnerRow[]> {
  // Each victim's owner is in the all-time window table (kept in the store between processes).
  const rows = await db.exclusive(async () => {
    const all = await victimWindow(db, {});
    return db.all<Record<string, unknown>>(
      `WITH n AS (SELECT owner, count(*) AS victims FROM ${all} WHERE owner IS NOT NULL GROUP BY owner)
       SELECT o.*, coalesce(n.victims, 0) AS victims FROM owners o LEFT JOIN n ON n.owner = o.name ORDER BY o.name`,
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

/** Victims of all time with no owner and on no warninglist, per AS, from the all-time window table. */
export async function noContactNetworks(db: Db): Promise<{ asn?: number; asOrg?: string; victims: number }[]> {
  return db.exclusive(async () => {
    const table = await victimWindow(db, {});
    const rows = await db.all<{ asn: number | bigint | null; as_org: string | null; n: bigint }>(
      `SELECT asn, min(as_org) AS as_org, count(*) AS n FROM ${table}
       WHERE owner IS NULL AND warned_by IS NULL GROUP BY asn ORDER BY n DESC, asn NULLS LAST`,
    );
    return rows.map((r) => ({ asn: r.asn === null ? undefined : Number(r.asn), asOrg: r.as_org ?? undefined, victims: Number(r.n) }));
  });
}
