// Where the files of prefiltered imports were and how they were read (table prefiltered_files), so
// that the indicators imported later can have them read again.
import type { FlowFileReader, FlowFileSource, PrefilteredFile, PrefilteredImport } from '../store.js';
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

export async function movePrefilteredFile(db: Db, importId: number, source: FlowFileSource): Promise<void> {
  await db.run(`UPDATE prefiltered_files SET path = $path, size = $size, mtime_ms = $mtime WHERE import_id = $imp`, {
    imp: importId,
    path: source.path,
    size: source.size,
    mtime: source.mtimeMs,
  });
}

/** Raises the cover of the imports' files (PrefilteredFile.coveredThrough) to `through`. */
export async function notePrefilteredCovered(db: Db, importIds: number[], through: number): Promise<void> {
  if (!importIds.length) return;
  await db.run(`UPDATE prefiltered_files SET covered_through = greatest(covered_through, $through) WHERE list_contains(from_json($ids, '["INTEGER"]'), import_id)`, {
    through,
    ids: JSON.stringify(importIds),
  });
}

export async function prefilteredImports(db: Db): Promise<PrefilteredImport[]> {
  const rows = await db.all<{
    id: number;
    file: string;
    sha256: string;
    prefiltered: bigint;
    path: string | null;
    size: bigint | null;
    mtime_ms: number | null;
    reader: string | null;
    covered_through: number | null;
    span_from: bigint | null;
    span_to: bigint | null;
  }>(
    `SELECT i.id, i.file, i.sha256, i.prefiltered, p.path, p.size, p.mtime_ms, p.reader, p.covered_through,
            epoch_ms(p.span_from) AS span_from, epoch_ms(p.span_to) AS span_to
     FROM imports i LEFT JOIN prefiltered_files p ON p.import_id = i.id
     WHERE i.kind = 'telemetry' AND i.prefiltered IS NOT NULL ORDER BY i.id`,
  );
  return rows.map((r) => ({
    importId: r.id,
    file: r.file,
    sha256: r.sha256,
    prefiltered: Number(r.prefiltered),
    source:
      r.path === null
        ? undefined
        : {
            path: r.path,
            size: Number(r.size),
            mtimeMs: r.mtime_ms!,
            read: JSON.parse(r.reader!) as FlowFileReader,
            coveredThrough: r.covered_through!,
            span: r.span_from === null || r.span_to === null ? undefined : { from: Number(r.span_from), to: Number(r.span_to) },
          },
  }));
}

/** Flows of a prefiltered import that a later read stored: fewer are left unstored, and the span may widen. */
export async function notePrefilteredAdded(db: Db, importId: number, added: number, lo?: Date, hi?: Date): Promise<void> {
  await db.run(
    `UPDATE imports SET prefiltered = prefiltered - $added, min_ts = least(min_ts, $lo::TIMESTAMP), max_ts = greatest(max_ts, $hi::TIMESTAMP) WHERE id = $imp`,
    { imp: importId, added, lo: lo?.toISOString() ?? null, hi: hi?.toISOString() ?? null },
  );
}
