// The prefiltered files' records that DuckDB's own import paths (the orchestration in index.ts and
// the fast paths of flow-file-sql.ts) write inside their transactions, which src/store cannot
// import from the stage; the stage's queries over the driver: src/telemetry/prefilter/prefiltered-files.ts.
import type { PrefilteredFile } from '../store.js';
import type { Db } from './connection.js';

/**
 * Records a prefiltered import's file; its span takes in `stored`, the times of the rows the import
 * stored (a superset of its flows' is safe: a wider span only means more reads).
 */
export async function recordPrefilteredFile(db: Db, importId: number, file: PrefilteredFile, stored: { minTs?: Date; maxTs?: Date }): Promise<void> {
  await db.run(
    `INSERT INTO prefiltered_files BY NAME
     SELECT $imp AS import_id, $path AS path, $size AS size, $mtime AS mtime_ms, $reader AS reader, $covered AS covered_through,
            least(epoch_ms($from::BIGINT), $lo::TIMESTAMP) AS span_from, greatest(epoch_ms($to::BIGINT), $hi::TIMESTAMP) AS span_to`,
    {
      imp: importId,
      path: file.path,
      size: file.size,
      mtime: file.mtimeMs,
      reader: JSON.stringify(file.read),
      covered: file.coveredThrough,
      from: file.span?.from ?? null,
      to: file.span?.to ?? null,
      lo: stored.minTs?.toISOString() ?? null,
      hi: stored.maxTs?.toISOString() ?? null,
    },
  );
}

/** Raises the cover of the imports' files (PrefilteredFile.coveredThrough) to `through`. */
export async function notePrefilteredCovered(db: Db, importIds: number[], through: number): Promise<void> {
  if (!importIds.length) return;
  await db.run(`UPDATE prefiltered_files SET covered_through = greatest(covered_through, $through) WHERE list_contains(from_json($ids, '["INTEGER"]'), import_id)`, {
    through,
    ids: JSON.stringify(importIds),
  });
}

/** Flows of a prefiltered import that a later read stored: fewer are left unstored, and the span may widen. */
export async function notePrefilteredAdded(db: Db, importId: number, added: number, lo?: Date, hi?: Date): Promise<void> {
  await db.run(
    `UPDATE imports SET prefiltered = prefiltered - $added, min_ts = least(min_ts, $lo::TIMESTAMP), max_ts = greatest(max_ts, $hi::TIMESTAMP) WHERE id = $imp`,
    { imp: importId, added, lo: lo?.toISOString() ?? null, hi: hi?.toISOString() ?? null },
  );
}
