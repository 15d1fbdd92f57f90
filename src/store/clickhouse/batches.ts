// Import batches: how writes become visible all at once without transactions. Every row carries
// the batch that wrote it (`_batch`, 0 outside any). A batch is recorded `open` in _batches when
// it starts and `done` (one insert: the moment all its rows appear) or `failed` when it ends.
// Readers keep rows whose batch is 0, done, or their own (dialect.visibleRows). A failed batch's
// rows are deleted at once; a crashed one's when a store is next opened: one of this host whose
// process is gone, or one of another host that has not said it is alive for LEASE_MS.
import { hostname } from 'node:os';
import type { Node } from './connection.js';
import { chDialect } from './dialect.js';
import type { Layout } from './layout.js';
import { rowTable } from './layout.js';
import { stringLiteral, timeLiteral } from './literal.js';

const q = chDialect.quoteIdent;
export const HOST = hostname();

/** How often an open batch says it is alive, and how long another host waits before it counts as crashed. */
export const HEARTBEAT_MS = 60_000;
export const LEASE_MS = 10 * HEARTBEAT_MS;

export async function recordBatch(entry: Node, batch: number, state: 'open' | 'alive' | 'done' | 'failed'): Promise<void> {
  await entry.run(
    `INSERT INTO ${q('_batches')} (batch, state, host, pid, at) VALUES (${batch}, '${state}', ${stringLiteral(HOST)}, ${process.pid}, ${timeLiteral(Date.now())})`,
  );
}

/**
 * Deletes a batch's rows from the tables it wrote, on every shard, and waits until they are gone.
 * A delete rewrites every part of the table on 18.16, so tables and shards without such rows
 * are left alone.
 */
export async function removeBatchRows(layout: Layout, batch: number, tables: Iterable<string>): Promise<void> {
  for (const t of tables) {
    const local = rowTable(layout, t);
    for (const node of layout.shards) {
      const has = await node.one<{ n: bigint }>(`SELECT count() AS n FROM ${q(local)} WHERE ${q('_batch')} = ${batch}`);
      if (!has || has.n === 0n) continue;
      await node.run(`ALTER TABLE ${q(local)} DELETE WHERE ${q('_batch')} = ${batch}`);
      await waitForMutations(node, layout.database, local);
    }
  }
}

export async function waitForMutations(node: Node, db: string, table: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const left = await node.one<{ n: bigint }>(
      `SELECT count() AS n FROM system.mutations WHERE database = ${stringLiteral(db)} AND table = ${stringLiteral(table)} AND is_done = 0`,
    );
    if (!left || left.n === 0n) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`ClickHouse: a mutation of ${table} did not finish within 120 s`);
}

/** Whether a process of this host is gone. */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the rows of batches left open by a crashed import, from every table, and records them
 * failed: batches of this host whose process is gone, and batches of other hosts that have not
 * said they are alive (HEARTBEAT_MS) for LEASE_MS.
 */
export async function cleanCrashedBatches(layout: Layout, tables: readonly string[], now = Date.now()): Promise<number[]> {
  const open = await layout.entry.all<BatchRecord>(
    `SELECT batch, any(pid) AS pid, any(host) AS host, max(at) AS last FROM ${q('_batches')} GROUP BY batch HAVING countIf(state IN ('done', 'failed')) = 0`,
  );
  const crashed = open.filter((b) => writerGone(b, now)).map((b) => Number(b.batch));
  for (const b of crashed) await failCrashed(layout, b, tables);
  return crashed;
}

interface BatchRecord {
  batch: bigint;
  pid: bigint;
  host: string;
  last: Date;
}

/** An open batch's writer is gone: its process on this host, or its heartbeat on another for LEASE_MS. */
const writerGone = (b: Omit<BatchRecord, 'batch'>, now: number): boolean => (b.host === HOST ? gone(Number(b.pid)) : now - b.last.getTime() > LEASE_MS);

async function failCrashed(layout: Layout, batch: number, tables: Iterable<string>): Promise<void> {
  await recordBatch(layout.entry, batch, 'failed');
  await removeBatchRows(layout, batch, tables);
}

/**
 * Where a batch stands: done, failed, or open; an open one whose writer is gone is recorded
 * failed here (its rows removed from `tables`), as the next store opened would.
 */
export async function settledState(layout: Layout, batch: number, tables: Iterable<string>, now = Date.now()): Promise<'open' | 'done' | 'failed'> {
  const r = await layout.entry.one<Omit<BatchRecord, 'batch'> & { n: bigint; done: bigint; failed: bigint }>(
    `SELECT count() AS n, any(pid) AS pid, any(host) AS host, max(at) AS last, countIf(state = 'done') AS done, countIf(state = 'failed') AS failed FROM ${q('_batches')} WHERE batch = ${batch}`,
  );
  if (!r || r.n === 0n) return 'open';
  if (r.done > 0n) return 'done';
  if (r.failed > 0n) return 'failed';
  if (writerGone(r, now)) {
    await failCrashed(layout, batch, tables);
    return 'failed';
  }
  return 'open';
}
