// Victims with no owner entry, per AS: read from the all-time victim window (kept in the store
// between processes), so `owners list` does not fold every sighting again.
import type { Db } from './connection.js';
import { victimWindow } from './window-sql.js';

/** Victims of all time with no owner and on no warninglist, per AS, from the all-time window table. */
export async function noContactNetworks(db: Db): Promise<{ asn?: number; asOrg?: string; victims: number }[]> {
  return db.windowed(async () => {
    const table = await victimWindow(db, {});
    const rows = await db.all<{ asn: number | bigint | null; as_org: string | null; n: bigint }>(
      `SELECT asn, min(as_org) AS as_org, count(*) AS n FROM ${table}
       WHERE owner IS NULL AND warned_by IS NULL GROUP BY asn ORDER BY n DESC, asn NULLS LAST`,
    );
    return rows.map((r) => ({ asn: r.asn === null ? undefined : Number(r.asn), asOrg: r.as_org ?? undefined, victims: Number(r.n) }));
  });
}
