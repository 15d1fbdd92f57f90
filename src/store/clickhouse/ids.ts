// Ids that two processes never both take, without transactions or max(id)+1 races. A process
// claims a candidate by appending (sequence, id, nonce) to a Log table on one node (the first
// shard): Log appends are serialised and read back in the order written, so the first claim of
// an id is the same for every reader, and only its writer uses the id; the others move on.
import { randomBytes } from 'node:crypto';
import type { Node } from './connection.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';

const q = chDialect.quoteIdent;
export const CLAIMS = '_id_claims';

export function createClaimsSql(db: string): string {
  return `CREATE TABLE IF NOT EXISTS ${q(db)}.${q(CLAIMS)} (seq String, id Int64, nonce String) ENGINE = Log`;
}

/**
 * A new id for `column` of `table`: above every id stored there and every id claimed before.
 * `claims` is the node holding the claims, `entry` the node that sees the table.
 */
export async function claimId(claims: Node, entry: Node, table: string, column: string): Promise<number> {
  const seq = stringLiteral(`${table}.${column}`);
  const nonce = randomBytes(12).toString('hex');
  const stored = await entry.one<{ m: bigint }>(`SELECT /* claim */ toInt64(max(${q(column)})) AS m FROM ${q(table)}`);
  let candidate = Number(stored?.m ?? 0n);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const claimed = await claims.one<{ m: bigint }>(`SELECT /* claim */ toInt64(max(id)) AS m FROM ${q(CLAIMS)} WHERE seq = ${seq}`);
    candidate = Math.max(candidate, Number(claimed?.m ?? 0n)) + 1;
    await claims.run(`INSERT INTO ${q(CLAIMS)} (seq, id, nonce) VALUES (${seq}, ${candidate}, '${nonce}')`);
    const first = await claims.one<{ nonce: string }>(
      `SELECT nonce FROM ${q(CLAIMS)} WHERE seq = ${seq} AND id = ${candidate} LIMIT 1 SETTINGS max_threads = 1`,
    );
    if (first?.nonce === nonce) return candidate;
  }
  throw new Error(`no free id for ${table}.${column} after 1000 claims`);
}
