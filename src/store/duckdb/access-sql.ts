// DuckDB implementation of the access store contract: tokens and sessions (hashes only), the owner
// of one address, and the data version that keys cached answers. The paged listings are in
// access-pages-sql.ts. Every value is a bound parameter.
import type { AccessStore, NewToken, Role, TokenRow } from '../access.js';
import type { Db } from './connection.js';
import { importById, importPage, indicatorPage, indicatorSources, victimPage } from './access-pages-sql.js';
import { OWNER_CTE } from './victim-sql.js';

interface RawToken {
  id: string;
  role: string;
  owner: string | null;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = `t.id, t.role, t.owner, t.label, t.created_at, t.revoked_at`;

function tokenRow(r: RawToken): TokenRow {
  return {
    id: r.id,
    role: r.role as Role,
    owner: r.owner ?? undefined,
    label: r.label ?? undefined,
    createdAt: r.created_at,
    revokedAt: r.revoked_at ?? undefined,
  };
}

async function createToken(db: Db, t: NewToken): Promise<TokenRow> {
  await db.run(
    `INSERT INTO api_tokens (id, hash, role, owner, label, created_at) VALUES ($id, $hash, $role, $owner, $label, $now::TIMESTAMP)`,
    { id: t.id, hash: t.hash, role: t.role, owner: t.owner ?? null, label: t.label ?? null, now: new Date().toISOString() },
  );
  const r = await db.one<RawToken>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.id = $1`, [t.id]);
  return tokenRow(r!);
}

async function revokeToken(db: Db, id: string): Promise<boolean> {
  const live = await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, [id]);
  if (!Number(live?.n)) return false;
  await db.run(`UPDATE api_tokens SET revoked_at = $2::TIMESTAMP WHERE id = $1`, [id, new Date().toISOString()]);
  await db.run(`DELETE FROM api_sessions WHERE token_id = $1`, [id]);
  return true;
}

async function findSession(db: Db, hash: string, now: Date): Promise<TokenRow | undefined> {
  const r = await db.one<RawToken>(
    `SELECT ${TOKEN_COLUMNS} FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id
     WHERE s.hash = $hash AND s.expires_at > $now::TIMESTAMP AND t.revoked_at IS NULL`,
    { hash, now: now.toISOString() },
  );
  return r && tokenRow(r);
}

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
    createToken: (t) => createToken(db, t),
    findToken: async (hash) => {
      const r = await db.one<RawToken>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.hash = $1 AND t.revoked_at IS NULL`, [hash]);
      return r && tokenRow(r);
    },
    listTokens: async () => (await db.all<RawToken>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t ORDER BY t.created_at, t.id`)).map(tokenRow),
    revokeToken: (id) => revokeToken(db, id),
    createSession: async (hash, tokenId, expiresAt) => {
      // Expired sessions are dropped here, so the table holds live sessions only.
      const now = new Date().toISOString();
      await db.run(`DELETE FROM api_sessions WHERE expires_at <= $1::TIMESTAMP`, [now]);
      await db.run(`INSERT INTO api_sessions VALUES ($hash, $token, $now::TIMESTAMP, $expires::TIMESTAMP)`, {
        hash,
        now,
        token: tokenId,
        expires: expiresAt.toISOString(),
      });
    },
    findSession: (hash, now) => findSession(db, hash, now),
    deleteSession: (hash) => db.run(`DELETE FROM api_sessions WHERE hash = $1`, [hash]),
    ownerOf: (ip) => ownerOf(db, ip),
    victimPage: (q) => victimPage(db, q),
    indicatorPage: (q) => indicatorPage(db, q),
    indicatorSources: () => indicatorSources(db),
    importPage: (q) => importPage(db, q),
    importById: (id) => importById(db, id),
    dataVersion: () => dataVersion(db),
  };
}
