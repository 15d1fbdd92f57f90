// DuckDB implementation of the access store contract: the owner of one address, and the data
// version that keys cached answers. The paged listings are in access-pages-sql.ts; tokens and
// sessions are src/server/auth/tokens-sql.ts. Every value is a bound parameter.
import type { AccessStore } from '../access.js';
import type { Db } from './connection.js';
import { importById, importPage, indicatorPage, indicatorSources, victimPage } from './access-pages-sql.js';
import { OWNER_CTE } from './victim-sql.js';

async function ownerOf(db: Db, ip: bigint): Promise<string | undefined> {
  const r = await db.one<{ owner: string | null }>(`WITH s0 AS (SELECT $ip::UHUGEINT AS victim), ${OWNER_CTE} SELECT owner FROM vo`, {
    ip: ip.toString(),
  });
  return r?.owner ?? undefined;
}

/**
 * Changes whenever an answer about victims may change: imports (and their removal), owners,
 * enrichment, and the identify stage's address-to-device map (counted in meta by each save).
 * Asked before every cached answer, so it reads counts and small tables only.
 */
export async function dataVersion(db: Db): Promise<string> {
  const r = await db.one<{ v: string }>(
    `SELECT concat_ws(':',
       (SELECT coalesce(max(id), 0) FROM imports), (SELECT count(*) FROM imports),
       (SELECT count(*) FROM owner_keys), (SELECT coalesce(sum(hash(owner, asn, lo, hi)), 0) FROM owner_keys),
       (SELECT count(*) FROM hosts), (SELECT value FROM meta WHERE key = 'hosts_version'),
       (SELECT value FROM meta WHERE key = 'devices_version')) AS v`,
  );
  return r!.v;
}

export function createAccessStore(db: Db): AccessStore {
  return {
    ownerOf: (ip) => ownerOf(db, ip),
    victimPage: (q) => victimPage(db, q),
    indicatorPage: (q) => indicatorPage(db, q),
    indicatorSources: () => indicatorSources(db),
    importPage: (q) => importPage(db, q),
    importById: (id) => importById(db, id),
    dataVersion: () => dataVersion(db),
  };
}
