// API tokens and sessions, written over the driver: only SHA-256 hashes are stored, never a token
// or a session id itself. Every value is bound by the `sql` template.
import type { NewToken, Role, TokenRow } from '../../store/access.js';
import type { Driver } from '../../store/driver.js';
import { sql } from '../../store/sql.js';

export interface TokenStore {
  createToken(t: NewToken): Promise<TokenRow>;
  /** The token with this hash, unless it does not exist or was revoked. */
  findToken(hash: string): Promise<TokenRow | undefined>;
  listTokens(): Promise<TokenRow[]>;
  /** Revokes a token and ends its sessions; false when no live token has this id. */
  revokeToken(id: string): Promise<boolean>;
  /** Starts a session; expired sessions are dropped here, so the table holds live ones only. */
  createSession(hash: string, tokenId: string, expiresAt: Date): Promise<void>;
  /** The token behind a live session (not expired at `now`, token not revoked). */
  findSession(hash: string, now: Date): Promise<TokenRow | undefined>;
  deleteSession(hash: string): Promise<void>;
}

interface RawToken {
  id: string;
  role: string;
  owner: string | null;
  label: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = sql`t.id, t.role, t.owner, t.label, t.created_at, t.revoked_at`;

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

/** The token and session queries over a store's driver. */
export function tokenStore(store: { readonly driver: Driver }): TokenStore {
  const d = store.driver;
  return {
    async createToken(t) {
      await d.run(
        sql`INSERT INTO api_tokens (id, hash, role, owner, label, created_at)
            VALUES (${t.id}, ${t.hash}, ${t.role}, ${t.owner ?? null}, ${t.label ?? null}, ${sql.time(Date.now())})`,
      );
      const r = await d.one<RawToken>(sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.id = ${t.id}`);
      return tokenRow(r!);
    },
    async findToken(hash) {
      const r = await d.one<RawToken>(sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.hash = ${hash} AND t.revoked_at IS NULL`);
      return r && tokenRow(r);
    },
    async listTokens() {
      return (await d.all<RawToken>(sql`SELECT ${TOKEN_COLUMNS} FROM api_tokens t ORDER BY t.created_at, t.id`)).map(tokenRow);
    },
    async revokeToken(id) {
      const live = await d.one<{ n: bigint }>(sql`SELECT count(*) AS n FROM api_tokens WHERE id = ${id} AND revoked_at IS NULL`);
      if (!Number(live?.n)) return false;
      await d.run(sql`UPDATE api_tokens SET revoked_at = ${sql.time(Date.now())} WHERE id = ${id}`);
      await d.run(sql`DELETE FROM api_sessions WHERE token_id = ${id}`);
      return true;
    },
    async createSession(hash, tokenId, expiresAt) {
      const now = sql.time(Date.now());
      await d.run(sql`DELETE FROM api_sessions WHERE expires_at <= ${now}`);
      await d.run(sql`INSERT INTO api_sessions (hash, token_id, created_at, expires_at) VALUES (${hash}, ${tokenId}, ${now}, ${sql.time(expiresAt.getTime())})`);
    },
    async findSession(hash, now) {
      const r = await d.one<RawToken>(
        sql`SELECT ${TOKEN_COLUMNS} FROM api_sessions s JOIN api_tokens t ON t.id = s.token_id
            WHERE s.hash = ${hash} AND s.expires_at > ${sql.time(now.getTime())} AND t.revoked_at IS NULL`,
      );
      return r && tokenRow(r);
    },
    async deleteSession(hash) {
      await d.run(sql`DELETE FROM api_sessions WHERE hash = ${hash}`);
    },
  };
}
