// The version of the data every answer about victims is computed from: a key for cached answers
// (the server's cache, the census's kept windows). Written once over the driver contract.
import type { Driver } from './driver.js';
import { sql } from './sql.js';

/** Meta keys the stages bump when they replace what answers read (enrichment, devices, owners). */
const VERSION_KEYS = ['hosts_version', 'devices_version', 'owners_version'];

/**
 * Changes whenever an answer about victims may change: imports (and their removal), the contact
 * database, enrichment, and the identify stage's address-to-device map (each bumps its key in
 * meta when it replaces its rows). Asked before every cached answer, so it reads counts and small
 * tables only.
 */
export async function dataVersion(d: Driver): Promise<string> {
  const visible = (alias: string) => d.dialect.visibleRows(sql.ident(alias));
  const meta = VERSION_KEYS.map((key, i) => sql`(SELECT max(m.value) FROM meta m WHERE m.key = ${key} AND ${visible('m')}) AS ${sql.ident(`v${i}`)}`);
  const r = await d.one<Record<string, unknown>>(
    sql`SELECT (SELECT coalesce(max(i.id), 0) FROM imports i WHERE ${visible('i')}) AS last_import,
               (SELECT count(*) FROM imports i WHERE ${visible('i')}) AS imports,
               (SELECT count(*) FROM owner_keys k WHERE ${visible('k')}) AS owner_keys,
               (SELECT count(*) FROM hosts h WHERE ${visible('h')}) AS hosts,
               ${sql.join(meta)}`,
  );
  return [r!.last_import, r!.imports, r!.owner_keys, r!.hosts, ...VERSION_KEYS.map((_, i) => r![`v${i}`] ?? '')].map(String).join(':');
}
