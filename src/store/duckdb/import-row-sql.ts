// Inserting an imports row from SQL, for the store parts that import files of their own (scans, KEV).
import type { ImportMeta, LineCounts } from '../store.js';
import type { Db } from './connection.js';

/** Inserts the imports row of a new import inside the caller's transaction; returns its id. */
export async function insertImport(db: Db, meta: ImportMeta, c: Partial<LineCounts> = {}): Promise<number> {
  const r = await db.one<{ n: number | bigint }>(`SELECT coalesce(max(id), 0) + 1 AS n FROM imports`);
  const id = Number(r!.n);
  await db.run(
    `INSERT INTO imports (id, kind, format, file, sha256, source, sensor, imported_at, lines, records, framing, rejected, duplicates, examples, skipped)
     VALUES ($id, $kind, $format, $file, $sha, $source, $sensor, $at::TIMESTAMP, $lines, $records, $framing, $rejected, 0, $examples, '[]')`,
    {
      id, at: new Date().toISOString(), kind: meta.kind, format: meta.format, file: meta.file, sha: meta.sha256, source: meta.source ?? null, sensor: meta.sensor ?? null,
      lines: c.lines ?? 0, records: c.records ?? 0, framing: c.framing ?? 0, rejected: c.rejected ?? 0, examples: JSON.stringify(c.examples ?? []),
    },
  );
  return id;
}
