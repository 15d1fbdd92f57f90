// Folding the indicators a streamed intel import repeated: the same type and value more than once
// in one import become its first row, widened as mergeDuplicates widens it (core/model). A file
// held in memory is folded before it is written; a streamed one only once it is all in.
import { mergeDuplicates } from '../core/model/indicator-merge.js';
import type { IndicatorRecord } from '../core/model/indicator.js';
import type { Driver } from '../store/driver.js';
import { sql } from '../store/sql.js';

interface RepeatedRow {
  id: bigint | number;
  type: IndicatorRecord['type'];
  value: string;
  tags: string[] | null;
  category: string | null;
  description: string | null;
  first_seen: Date | null;
  last_seen: Date | null;
  timeframe: string | null;
  for_detection: boolean;
  line: number | null;
}

/** Folds the import's repeated indicators into their first rows; returns the rows folded away. */
export async function foldRepeatedIndicators(d: Driver, importId: number): Promise<number> {
  const rows = await d.all<RepeatedRow>(
    sql`SELECT i.id, i.type, i.value, i.tags, i.category, i.description, i.first_seen, i.last_seen, i.timeframe, i.for_detection, i.line
     FROM indicators i
     JOIN (SELECT type AS r_type, value AS r_value FROM indicators WHERE import_id = ${importId} GROUP BY type, value HAVING count(*) > 1) r
       ON r.r_type = i.type AND r.r_value = i.value
     WHERE i.import_id = ${importId} ORDER BY i.type, i.value, i.id`,
  );
  let folded = 0;
  for (let at = 0; at < rows.length; ) {
    let end = at + 1;
    while (end < rows.length && rows[end]!.type === rows[at]!.type && rows[end]!.value === rows[at]!.value) end++;
    const group = rows.slice(at, end);
    const [merged] = mergeDuplicates(group.map(record)).indicators;
    const m = merged!;
    const time = (ms: number | undefined) => (ms === undefined ? null : sql.time(ms));
    const id = Number(group[0]!.id);
    await d.run(
      sql`UPDATE indicators SET tags = ${sql.typed(m.tags, 'text[]')}, category = ${m.category ?? null}, description = ${m.description ?? null},
         first_seen = ${time(m.firstSeen)}, last_seen = ${time(m.lastSeen)}, timeframe = ${m.timeframe ?? null}, for_detection = ${m.forDetection}
       WHERE id = ${id}`,
    );
    await d.run(sql`DELETE FROM indicators WHERE import_id = ${importId} AND type = ${group[0]!.type} AND value = ${group[0]!.value} AND id <> ${id}`);
    folded += group.length - 1;
    at = end;
  }
  return folded;
}

/** The parts of a stored indicator that folding reads. */
function record(r: RepeatedRow): IndicatorRecord {
  const rec: IndicatorRecord = { type: r.type, value: r.value, tags: r.tags ?? [], forDetection: r.for_detection, line: r.line ?? 0 };
  if (r.category !== null) rec.category = r.category;
  if (r.description !== null) rec.description = r.description;
  if (r.first_seen !== null) rec.firstSeen = r.first_seen.getTime();
  if (r.last_seen !== null) rec.lastSeen = r.last_seen.getTime();
  if (r.timeframe !== null) rec.timeframe = r.timeframe;
  return rec;
}
