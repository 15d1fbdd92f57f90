// Where the files of prefiltered imports were and how they were read (table prefiltered_files),
// so that the indicators imported later can have them read again; written once over the driver.
// Store bookkeeping, like the imports (imports.ts): the import that read a file records it
// (recordPrefilteredFile), a later read notes the flows it added (notePrefilteredAdded), and the
// prefilter's rescans read and update them (src/telemetry/prefilter/flow-rescan.ts).
import type { Driver } from './driver.js';
import { table } from './schema.js';
import { sql, type Sql } from './sql.js';
import type { FlowFileReader, FlowFileSource, PrefilteredFile, PrefilteredImport } from './store.js';

const FILES = table('prefiltered_files');
const FILE_COLUMNS = FILES.columns.map((c) => c.name);

/** The least or greatest of the times given, or undefined when none is. */
const edge = (pick: (...xs: number[]) => number, ...xs: (number | undefined)[]): number | undefined => {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? pick(...known) : undefined;
};

/**
 * Records a prefiltered import's file; its span takes in `stored`, the times of the rows the import
 * stored (a superset of its flows' is safe: a wider span only means more reads).
 */
export async function recordPrefilteredFile(d: Driver, importId: number, file: PrefilteredFile, stored: { minTs?: Date; maxTs?: Date }): Promise<void> {
  await d.load(FILES, [
    {
      import_id: importId,
      path: file.path,
      size: file.size,
      mtime_ms: file.mtimeMs,
      reader: JSON.stringify(file.read),
      covered_through: file.coveredThrough,
      span_from: edge(Math.min, file.span?.from, stored.minTs?.getTime()),
      span_to: edge(Math.max, file.span?.to, stored.maxTs?.getTime()),
    },
  ]);
}

/** Rewrites the files of `importIds` (keyed by import), each column as `change` gives it (on alias p), the others kept. */
async function rewriteFiles(d: Driver, importIds: number[], change: Partial<Record<string, Sql>>): Promise<void> {
  if (!importIds.length) return;
  const select = sql.join(FILE_COLUMNS.map((c) => sql`${change[c] ?? sql`p.${sql.ident(c)}`} AS ${sql.ident(c)}`));
  await d.run(
    d.dialect.replaceInto(
      FILES.name,
      FILE_COLUMNS,
      sql`SELECT ${select} FROM prefiltered_files p WHERE p.import_id IN ${sql.list(importIds)} AND ${d.dialect.visibleRows(sql.ident('p'))}`,
    ),
  );
}

/** Records that a prefiltered import's file is now at `source` (the same bytes, somewhere else). */
export async function movePrefilteredFile(d: Driver, importId: number, source: FlowFileSource): Promise<void> {
  await rewriteFiles(d, [importId], { path: sql`${source.path}`, size: sql`${source.size}`, mtime_ms: sql`${source.mtimeMs}` });
}

/** Raises the cover of the imports' files (PrefilteredFile.coveredThrough) to `through`. */
export async function notePrefilteredCovered(d: Driver, importIds: number[], through: number): Promise<void> {
  await rewriteFiles(d, importIds, {
    covered_through: sql`CASE WHEN p.covered_through IS NULL OR p.covered_through < ${through} THEN ${through} ELSE p.covered_through END`,
  });
}

/** Every telemetry import that stored only part of its flows (ingest --prefilter), oldest first. */
export async function prefilteredImports(d: Driver): Promise<PrefilteredImport[]> {
  const ms = (x: Sql) => d.dialect.epochMs(x);
  const rows = await d.all(
    sql`SELECT i.id AS id, i.file AS file, i.sha256 AS sha256, i.prefiltered AS prefiltered, p.path AS path,
               p.size AS size, p.mtime_ms AS mtime_ms, p.reader AS reader, p.covered_through AS covered_through,
               ${ms(sql`p.span_from`)} AS span_from, ${ms(sql`p.span_to`)} AS span_to
        FROM (SELECT x.id AS id, x.file AS file, x.sha256 AS sha256, x.prefiltered AS prefiltered FROM imports x
              WHERE x.kind = 'telemetry' AND x.prefiltered IS NOT NULL AND ${d.dialect.visibleRows(sql.ident('x'))}) i
        LEFT JOIN prefiltered_files p ON p.import_id = i.id
        WHERE ${d.dialect.visibleRows(sql.ident('p'))}
        ORDER BY i.id`,
  );
  return rows.map((r) => ({
    importId: Number(r.id),
    file: r.file as string,
    sha256: r.sha256 as string,
    prefiltered: Number(r.prefiltered),
    // No file recorded (an import from before files were): NULL on DuckDB, '' on ClickHouse (no path is empty).
    source:
      r.path === null || r.path === ''
        ? undefined
        : {
            path: r.path as string,
            size: Number(r.size),
            mtimeMs: Number(r.mtime_ms),
            read: JSON.parse(r.reader as string) as FlowFileReader,
            coveredThrough: Number(r.covered_through),
            span: r.span_from === null || r.span_to === null ? undefined : { from: Number(r.span_from), to: Number(r.span_to) },
          },
  }));
}

/** Flows of a prefiltered import that a later read stored: fewer are left unstored, and the span may widen. */
export async function notePrefilteredAdded(d: Driver, importId: number, added: number, lo?: Date, hi?: Date): Promise<void> {
  const imports = table('imports');
  const widen = (column: string, t: Date | undefined, earlier: boolean): Sql => {
    const c = sql`i.${sql.ident(column)}`;
    if (!t) return c;
    const v = sql.time(t.getTime());
    return sql`CASE WHEN ${c} IS NULL OR ${v} ${sql.raw(earlier ? '<' : '>')} ${c} THEN ${v} ELSE ${c} END`;
  };
  const change: Record<string, Sql> = {
    prefiltered: sql`i.prefiltered - ${added}`,
    min_ts: widen('min_ts', lo, true),
    max_ts: widen('max_ts', hi, false),
  };
  const columns = imports.columns.map((c) => c.name);
  await d.run(
    d.dialect.replaceInto(
      imports.name,
      columns,
      sql`SELECT ${sql.join(columns.map((c) => sql`${change[c] ?? sql`i.${sql.ident(c)}`} AS ${sql.ident(c)}`))}
          FROM imports i WHERE i.id = ${importId} AND ${d.dialect.visibleRows(sql.ident('i'))}`,
    ),
  );
}
