// The store's own bookkeeping of imports, written once over the driver contract: every engine
// registers, completes, finds and lists imports with these queries. An import's row is written
// inside the import's `atomically`, so readers find it only once the import is complete; it is
// completed by writing the whole row again under its key (replace-or-insert), not by an UPDATE,
// which ClickHouse cannot do synchronously.
import { BotcensusError } from '../core/errors.js';
import type { RejectedLine } from '../core/reader.js';
import type { SkippedSection } from '../core/model/indicator.js';
import type { Driver, Row } from './driver.js';
import { table } from './schema.js';
import { sql, type Sql } from './sql.js';
import type { ImportKind, ImportMeta, ImportRow, LineCounts } from './store.js';
import { num, opt, optNum } from './row-values.js';

const IMPORTS = table('imports');
const COLUMNS = IMPORTS.columns.map((c) => c.name);

const parsed = <T>(v: unknown): T[] => (typeof v === 'string' && v !== '' ? (JSON.parse(v) as T[]) : []);

export function importRow(r: Row): ImportRow {
  return {
    id: Number(r.id),
    kind: r.kind as ImportKind,
    format: r.format as string,
    file: r.file as string,
    sha256: r.sha256 as string,
    source: opt(r.source),
    sensor: opt(r.sensor),
    importedAt: r.imported_at as Date,
    lines: num(r.lines),
    records: num(r.records),
    framing: num(r.framing),
    rejected: num(r.rejected),
    duplicates: num(r.duplicates),
    examples: parsed<RejectedLine>(r.examples),
    skipped: parsed<SkippedSection>(r.skipped),
    prefiltered: optNum(r.prefiltered),
    shortRows: optNum(r.short_rows),
    minTs: opt(r.min_ts),
    maxTs: opt(r.max_ts),
  };
}

/** The visible imports (of finished imports, and the caller's own), with their columns. */
const visibleImports = (d: Driver, where: Sql): Sql =>
  sql`SELECT ${sql.join(COLUMNS.map((c) => sql.ident('i', c)))} FROM imports i WHERE ${d.dialect.visibleRows(sql.ident('i'))} AND ${where}`;

export async function findImport(d: Driver, sha256: string, kind: ImportKind): Promise<ImportRow | undefined> {
  const r = await d.one(sql`${visibleImports(d, sql`i.sha256 = ${sha256} AND i.kind = ${kind}`)} ORDER BY i.id LIMIT 1`);
  return r && importRow(r);
}

export async function listImports(d: Driver): Promise<ImportRow[]> {
  return (await d.all(sql`${visibleImports(d, sql`1 = 1`)} ORDER BY i.id`)).map(importRow);
}

async function importById(d: Driver, id: number): Promise<ImportRow | undefined> {
  const r = await d.one(visibleImports(d, sql`i.id = ${id}`));
  return r && importRow(r);
}

/** An import's row as the neutral values `load` and the replace take. */
function columnsOf(id: number, meta: ImportMeta, importedAt: number, c: Partial<LineCounts>, minTs?: number, maxTs?: number): Record<string, unknown> {
  return {
    id,
    kind: meta.kind,
    format: meta.format,
    file: meta.file,
    sha256: meta.sha256,
    source: meta.source,
    sensor: meta.sensor,
    imported_at: importedAt,
    lines: c.lines ?? 0,
    records: c.records ?? 0,
    framing: c.framing ?? 0,
    rejected: c.rejected ?? 0,
    duplicates: c.duplicates ?? 0,
    examples: c.examples ?? [],
    prefiltered: c.prefiltered,
    skipped: c.skipped ?? [],
    min_ts: minTs,
    max_ts: maxTs,
    short_rows: c.shortRows,
  };
}

/**
 * Registers a new import (call it inside the import's `atomically`); returns its id: `reserved`,
 * when the caller took one from `nextId` before. A stage looks for an earlier import of the file
 * before it reads it; when another import of the same file got in meanwhile (another process, or
 * another call of this one), this refuses with IMPORTED_MEANWHILE, and the stage's `atomically`
 * undoes what it wrote.
 */
export async function beginImport(d: Driver, meta: ImportMeta, counts: Partial<LineCounts> = {}, reserved?: number): Promise<number> {
  const id = reserved ?? (await d.nextId('imports', 'id'));
  if (!(await d.claimFirst(`import:${meta.kind}:${meta.sha256}`)) || (await findImport(d, meta.sha256, meta.kind)))
    throw new BotcensusError('IMPORTED_MEANWHILE', `another import of the same file finished first`, { file: meta.file });
  await d.load(IMPORTS, [columnsOf(id, meta, Date.now(), counts)]);
  return id;
}

/** The import that finished first, when `err` is beginImport's refusal of a second import of the file. */
export async function importedMeanwhile(d: Driver, err: unknown, sha256: string, kind: ImportKind): Promise<ImportRow | undefined> {
  if (!(err instanceof BotcensusError && err.code === 'IMPORTED_MEANWHILE')) return undefined;
  return findImport(d, sha256, kind);
}

/** Runs an import; when another import of the same file finished first, `duplicate` answers instead (with that import's row). */
export async function importOnce<T, D>(d: Driver, sha256: string, kind: ImportKind, run: () => Promise<T>, duplicate: (previous: ImportRow) => D): Promise<T | D> {
  try {
    return await run();
  } catch (err) {
    const previous = await importedMeanwhile(d, err, sha256, kind);
    if (!previous) throw err;
    return duplicate(previous);
  }
}

/** An import's counts and the time range of its records (epoch ms; ±Infinity for none), once its rows are in. */
export async function finishImport(d: Driver, id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void> {
  const r = await importById(d, id);
  if (!r) throw new Error(`no import ${id} to finish`);
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : undefined);
  const row = columnsOf(id, r, r.importedAt.getTime(), { ...counts, duplicates: r.duplicates, skipped: r.skipped }, finite(range?.min), finite(range?.max));
  await d.run(d.dialect.replaceInto('imports', COLUMNS, sql`SELECT ${sql.join(IMPORTS.columns.map((c) => sql`${valueOf(c.type, row[c.name])} AS ${sql.ident(c.name)}`))}`));
}

/** A neutral value bound with its type. */
function valueOf(type: string, v: unknown): Sql {
  if (v === undefined || v === null) return sql`NULL`;
  if (type === 'time') return sql.time(v as number);
  if (type === 'json') return sql`${JSON.stringify(v)}`;
  return sql`${v as string | number}`;
}

/** The id of the newest import that stored indicators (0 when none has). */
export async function lastIndicatorImport(d: Driver): Promise<number> {
  const r = await d.one<{ id: number | bigint | null }>(
    sql`SELECT max(n.import_id) AS id FROM indicators n WHERE ${d.dialect.visibleRows(sql.ident('n'))}`,
  );
  return Number(r?.id ?? 0);
}
