// Where the files of prefiltered imports were and how they were read (table prefiltered_files), so
// that the indicators imported later can have them read again.
import type { FlowFileReader, FlowFileSource, PrefilteredFile, PrefilteredImport } from '../store.js';
import type { Db } from './connection.js';
import type { Driver } from '../driver.js';
import { sql } from '../sql.js';

/**
 * Records a prefiltered import's file; its span takes in `stored`, the times of the rows the import
 * stored (a superset of its flows' is safe: a wider span only means more reads).
 */
export async function recordPrefilteredFile(d: Driver, importId: number, file: PrefilteredFile, stored: { minTs?: Date; maxTs?: Date }): Promise<void> {
  const time = (ms: number | undefined) => sql.typed(ms ?? null, 'time');
  await d.run(
    sql`INSERT INTO prefiltered_files (import_id, path, size, mtime_ms, reader, covered_through, span_from, span_to)
     SELECT ${importId}, ${file.path}, ${file.size}, ${file.mtimeMs}, ${JSON.stringify(file.read)}, ${file.coveredThrough},
            least(${time(file.span?.from)}, ${time(stored.minTs?.getTime())}), greatest(${time(file.span?.to)}, ${time(stored.maxTs?.getTime())})`,
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
export async function notePrefilteredCovered(d: Driver, importIds: number[], through: number): Promise<void> {
  if (!importIds.length) return;
  await d.run(sql`UPDATE prefiltered_files SET covered_through = greatest(covered_through, ${through}) WHERE import_id IN ${sql.list(importIds)}`);
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
