// API tokens and session ids: random, shown once, stored as SHA-256 only. A token reads
// "bct_<id>_<secret>": the id is the public handle `tokens list` and `tokens revoke` use.
import { createHash, randomBytes } from 'node:crypto';
import { BotcensusError } from '../../core/errors.js';
import { ROLES, type Role, type TokenRow } from '../../store/access.js';
import type { Store } from '../../store/store.js';
import { currentOwners } from '../../notify/owners-sql.js';
import { tokenStore } from './tokens-sql.js';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const TOKEN_RE = /^bct_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export interface TokenRequest {
  role: string;
  owner?: string;
  label?: string;
}

/** Checks role and owner (an owner token needs an owner from the contact database; others take none). */
export async function checkTokenRequest(store: Store, r: TokenRequest): Promise<{ role: Role; owner?: string; label?: string }> {
  if (!(ROLES as readonly string[]).includes(r.role)) throw new BotcensusError('USAGE', `role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(r.role)}`);
  const role = r.role as Role;
  if (role !== 'owner') {
    if (r.owner) throw new BotcensusError('USAGE', `--owner is for role owner only; an ${role} token reads every network`);
    return { role, label: r.label };
  }
  if (!r.owner) throw new BotcensusError('USAGE', 'an owner token needs --owner NAME (a name from `botcensus owners import`)');
  const owners = await currentOwners(store.driver);
  if (!owners.some((o) => o.name === r.owner))
    throw new BotcensusError('USAGE', `no owner named ${JSON.stringify(r.owner)} in the contact database (${owners.length} owners; see \`botcensus owners import\`)`);
  return { role, owner: r.owner, label: r.label };
}

/** Creates a token; the returned `token` is the only copy of the secret. */
export async function issueToken(store: Store, r: TokenRequest): Promise<{ token: string; row: TokenRow }> {
  const checked = await checkTokenRequest(store, r);
  const id = randomBytes(6).toString('hex');
  const token = `bct_${id}_${randomBytes(32).toString('base64url')}`;
  const row = await tokenStore(store).createToken({ id, hash: sha256Hex(token), ...checked });
  return { token, row };
}

/** The live token a bearer string stands for; undefined for anything malformed, unknown or revoked. */
export async function verifyToken(store: Pick<Store, 'driver'>, token: string): Promise<TokenRow | undefined> {
  if (!TOKEN_RE.test(token)) return undefined;
  return tokenStore(store).findToken(sha256Hex(token));
}

/** A new random session id for the cookie; the store keeps its hash. */
export const newSessionId = (): string => randomBytes(32).toString('base64url');
