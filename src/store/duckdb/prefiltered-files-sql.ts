// Where the plain flow CSVs of prefiltered imports were (table prefiltered_files), so that the
// indicators imported later can have them scanned again.
import type { FlowCsvLayout, FlowFileSource, PrefilteredImport } from '../store.js';
import type { Db } from './connection.js';

export async function recordPrefilteredFile(db: Db, importId: number, source: FlowFileSource, layout: FlowCsvLayout): Promise<void> {
  await db.run(`INSERT INTO prefiltered_files VALUES ($imp, $path, $size, $mtime, $layout)`, {
    imp: importId,
    path: source.path,
    size: source.size,
    mtime: source.mtimeMs,
    layout: JSON.stringify(layout),
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
    layout: string | null;
  }>(
    `SELECT i.id, i.file, i.sha256, i.prefiltered, p.path, p.size, p.mtime_ms, p.layout
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
        : { path: r.path, size: Number(r.size), mtimeMs: r.mtime_ms!, layout: JSON.parse(r.layout!) as FlowCsvLayout },
  }));
}
