// Folding the indicators a streamed intel import repeated: the same type and value more than once
// in one import become its first row, widened as mergeDuplicates widens it (core/model). A file
// held in memory is folded before it is written; a streamed one only once it is all in.
import { mergeDuplicates } from '../../core/model/indicator-merge.js';
import type { IndicatorRecord } from '../../core/model/indicator.js';
import type { Db } from './connection.js';

interface RepeatedRow {
  id: bigint | number;
  type: IndicatorRecord['type'];
  value: string;
  tags: string[] | null;
  category: string | null;
  description: string | null;
  first_seen: bigint | number | null;
  last_seen: bigint | number | null;
  timeframe: string | null;
  for_detection: boolean;
  line: number | null;
}

/** Folds the import's repeated indicators into their first rows; returns the rows folded away. */
export async function foldRepeatedIndicators(db: Db, importId: number): Promise<number> {
  const rows = await db.all<RepeatedRow>(
    `WITH repeated AS (SELECT type, value FROM indicators WHERE import_id = $1 GROUP BY type, value HAVING count(*) > 1)
     SELECT i.id, i.type, i.value, i.tags, i.category, i.description, epoch_ms(i.first_seen) AS first_seen,
            epoch_ms(i.last_seen) AS last_seen, i.timeframe, i.for_detection, i.line
     FROM indicators i JOIN repeated USING (type, value) WHERE i.import_id = $1 ORDER BY i.type, i.value, i.id`,
    [importId],
  );
  let folded = 0;
  for (let at = 0; at < rows.length; ) {
    let end = at + 1;
    while (end < rows.length && rows[end]!.type === rows[at]!.type && rows[end]!.value === rows[at]!.value) end++;
    const group = rows.slice(at, end);
    const [merged] = mergeDuplicates(group.map(record)).indicators;
    await db.run(
      `UPDATE indicators SET tags = from_json($tags, '["VARCHAR"]'), category = $category, description = $description,
         first_seen = epoch_ms($first::BIGINT), last_seen = epoch_ms($last::BIGINT), timeframe = $timeframe, for_detection = $detect
       WHERE id = $id`,
      {
        id: Number(group[0]!.id),
        tags: JSON.stringify(merged!.tags),
        category: merged!.category ?? null,
        description: merged!.description ?? null,
        first: merged!.firstSeen ?? null,
        last: merged!.lastSeen ?? null,
        timeframe: merged!.timeframe ?? null,
        detect: merged!.forDetection,
      },
    );
    await db.run(`DELETE FROM indicators WHERE import_id = $1 AND type = $2 AND value = $3 AND id <> $4`, [importId, group[0]!.type, group[0]!.value, Number(group[0]!.id)]);
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
  if (r.first_seen !== null) rec.firstSeen = Number(r.first_seen);
  if (r.last_seen !== null) rec.lastSeen = Number(r.last_seen);
  if (r.timeframe !== null) rec.timeframe = r.timeframe;
  return rec;
}
