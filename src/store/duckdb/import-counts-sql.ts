// An import's counts and time range, written once its rows are in (every import path).
import type { LineCounts } from '../store.js';
import type { Db } from './connection.js';

export async function recordImportCounts(db: Db, id: number, c: LineCounts, minTs?: Date, maxTs?: Date): Promise<void> {
  await db.run(
    `UPDATE imports SET lines = $lines, records = $records, framing = $framing, rejected = $rejected, examples = $examples,
       prefiltered = $prefiltered, short_rows = $short, min_ts = $min::TIMESTAMP, max_ts = $max::TIMESTAMP WHERE id = $id`,
    {
      id,
      lines: c.lines,
      records: c.records,
      framing: c.framing,
      rejected: c.rejected,
      examples: JSON.stringify(c.examples),
      prefiltered: c.prefiltered ?? null,
      short: c.shortRows ?? null,
      min: minTs?.toISOString() ?? null,
      max: maxTs?.toISOString() ?? null,
    },
  );
}

/** A time range's end as a Date, from epoch ms kept as ±Infinity until a row was seen. */
export const msDate = (ms: number): Date | undefined => (Number.isFinite(ms) ? new Date(ms) : undefined);
