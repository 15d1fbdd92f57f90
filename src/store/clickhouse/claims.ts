// The first writer of a key among concurrent batches, without transactions: two processes
// importing the same file at the same moment must not both import it. Each batch appends a claim
// (key, batch) to the Log table of id claims (ids.ts: appends are serialised and read back in the
// order written, so every process sees the same order); the first claim whose batch did not fail
// holds the key. A later claimant waits while an earlier one is still running: when that one is
// done the key is taken, when it failed (or its writer is gone) the next claim is looked at.
import type { Layout } from './layout.js';
import { settledState } from './batches.js';
import { CLAIMS } from './ids.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';

const q = chDialect.quoteIdent;
const POLL_MS = 200;

/** Whether `batch` holds `key`: false once an earlier claimant's batch is done (`tables`: what a crashed one may have written). */
export async function claimFirst(layout: Layout, batch: number, key: string, tables: readonly string[]): Promise<boolean> {
  const claims = layout.shards[0]!;
  const seq = stringLiteral(`claim:${key}`);
  await claims.run(`INSERT INTO ${q(CLAIMS)} (seq, id, nonce) VALUES (${seq}, ${batch}, '')`);
  for (;;) {
    const order = await claims.all<{ id: bigint }>(`SELECT id FROM ${q(CLAIMS)} WHERE seq = ${seq} SETTINGS max_threads = 1`);
    let waiting = false;
    for (const c of order) {
      const earlier = Number(c.id);
      if (earlier === batch) return true;
      const state = await settledState(layout, earlier, tables);
      if (state === 'done') return false;
      if (state === 'open') {
        waiting = true;
        break;
      }
    }
    if (!waiting) throw new Error(`ClickHouse: the claim of ${key} by batch ${batch} is not in ${CLAIMS}`);
    await new Promise((ok) => setTimeout(ok, POLL_MS));
  }
}
