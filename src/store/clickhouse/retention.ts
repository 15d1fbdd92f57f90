// Retention without TTL (18.16 has none): the day partitions of a table older than a cutoff are
// dropped on every shard. A dropped partition goes at once and whole.
import type { Table } from '../schema.js';
import { dayColumn } from './ddl.js';
import { chDialect } from './dialect.js';
import { stringLiteral } from './literal.js';
import { rowTable, type Layout } from './layout.js';

/** Drops the days of `table` before the UTC day of `beforeMs`; returns the days dropped (YYYY-MM-DD). */
export async function dropDaysBefore(layout: Layout, table: Table, beforeMs: number): Promise<string[]> {
  if (!dayColumn(table)) throw new Error(`${table.name} is not partitioned by day`);
  const cutoff = new Date(beforeMs).toISOString().slice(0, 10);
  const local = rowTable(layout, table.name);
  const dropped = new Set<string>();
  for (const node of layout.shards) {
    const parts = await node.all<{ partition: string }>(
      `SELECT DISTINCT partition FROM system.parts WHERE database = ${stringLiteral(layout.database)} AND table = ${stringLiteral(local)} AND active`,
    );
    for (const { partition } of parts) {
      const day = partition.replace(/'/g, '');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || day >= cutoff) continue;
      await node.run(`ALTER TABLE ${chDialect.quoteIdent(local)} DROP PARTITION ${stringLiteral(day)}`);
      dropped.add(day);
    }
  }
  return [...dropped].sort();
}
