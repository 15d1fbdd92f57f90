// The DuckDB store: one file, versioned schema, one transaction per imported file.
import { constants, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ipLocationDb, type GeoSource } from '../../core/geo-data.js';
import { TABLES } from '../schema.js';
import type {
  ImportKind,
  ImportMeta,
  ImportOutcome,
  ImportRow,
  LineCounts,
  DnsTsvLayout,
  FlowCandidateFiles,
  FlowCsvLayout,
  NearRuns,
  ParquetFlowRead,
  PrefilteredFile,
  Store,
  } from '../store.js';
import { Db } from './connection.js';
import { loadNumericRanges, type NumericRangeTarget } from './range-csv-sql.js';
import {
  addFlowCandidates,
  addParquetNear,
  describeParquet,
  dropFlowsFarFromIndicators,
  firstBadParquetRow,
  loadFlowCandidates,
  loadFlowCsv,
  loadFlowParquet,
} from './flow-file-sql.js';
import { loadZeekDns } from './dns-file-sql.js';
import { recordPrefilteredFile } from '../prefiltered-files.js';
import { BotcensusError } from '../../core/errors.js';
import { beginImport, findImport, finishImport, lastIndicatorImport, listImports } from '../imports.js';
import { createMacros } from './macros.js';
import { fillDerived, migrate } from './migrate.js';
import { DuckDbDriver } from './driver.js';
import type { CoverStep, FileReadingStore, MatchStep } from '../file-reading.js';

/** Tables with derived columns that rows loaded by an import need filled (flows.src_key, ...). */
const DERIVED_TABLES = TABLES.filter((t) => t.columns.some((c) => c.from) && t.columns.some((c) => c.name === 'import_id'));

export interface DuckDbOptions {
  /** Worker threads for DuckDB (default: all cores). */
  threads?: number;
  /** DuckDB's memory limit, e.g. '1GB' (default: DuckDB's, 80% of RAM; or $BOTCENSUS_MEMORY_LIMIT). */
  memoryLimit?: string;
  /** Where the enrichment ranges come from (default: the @ip-location-db packages). */
  geo?: GeoSource;
}

export class DuckDbStore implements Store, FileReadingStore {
  readonly driver: DuckDbDriver;
  /** DuckDB reads CSV, Parquet and dns.log files itself: its fast paths are its own methods. */
  readonly files: FileReadingStore = this;

  private constructor(
    readonly db: Db,
    readonly geoSource: GeoSource,
  ) {
    this.driver = new DuckDbDriver(db);
  }

  static async open(path: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
    const db = await Db.open(path, opts.threads, opts.memoryLimit ?? process.env.BOTCENSUS_MEMORY_LIMIT);
    await migrate(db);
    await createMacros(db);
    return new DuckDbStore(db, opts.geo ?? ipLocationDb());
  }

  async close(): Promise<void> {
    this.db.close();
  }

  /** The same store on a connection of its own, for questions asked while this one imports (close it first). */
  async reader(): Promise<DuckDbStore> {
    const db = await this.db.reader();
    await createMacros(db);
    return new DuckDbStore(db, this.geoSource);
  }

  findImport(sha256: string, kind: ImportKind): Promise<ImportRow | undefined> {
    return findImport(this.driver, sha256, kind);
  }

  listImports(): Promise<ImportRow[]> {
    return listImports(this.driver);
  }

  beginImport(meta: ImportMeta, counts: Partial<LineCounts> = {}, reserved?: number): Promise<number> {
    return beginImport(this.driver, meta, counts, reserved);
  }

  async finishImport(id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void> {
    // Rows loaded through the driver (an appender) get their derived columns now, before anything reads them.
    for (const t of DERIVED_TABLES) await fillDerived(this.db, t, id);
    return finishImport(this.driver, id, counts, range);
  }

  async importFlowCsv(
    meta: ImportMeta,
    file: string,
    layout: FlowCsvLayout,
    match: MatchStep,
    verify?: () => Promise<void>,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined> {
    return this.importFast(meta, match, 'flows', async (importId) => {
      const r = await loadFlowCsv(this.db, importId, file, layout);
      if (r.rows === 0) throw new Error('no rows');
      await verify?.();
      return { ...r, counts: { lines: r.rows + 1, records: r.rows, framing: 1, rejected: 0, examples: [] } };
    });
  }

  async importFlowCandidates(
    meta: ImportMeta,
    kept: FlowCandidateFiles,
    layout: FlowCsvLayout,
    match: MatchStep,
    prefiltered?: PrefilteredFile,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined> {
    return this.importFast(meta, match, 'flows', async (importId) => {
      const r = await loadFlowCandidates(this.db, importId, kept, layout);
      if (r.rows !== kept.kept) throw new Error(`${r.rows} rows from ${kept.kept} kept lines`);
      if (prefiltered) await recordPrefilteredFile(this.driver, importId, prefiltered, r);
      const records = kept.lines - kept.blank;
      return { ...r, counts: { lines: kept.lines + 1, records, framing: kept.blank + 1, rejected: 0, examples: [], prefiltered: records - r.rows } };
    });
  }

  addPrefilteredFlows(importId: number, kept: FlowCandidateFiles, layout: FlowCsvLayout, cover: CoverStep): Promise<number> {
    // Matching them against the new indicators is the part of the intel import that follows.
    return this.db.transaction(async () => {
      const added = await addFlowCandidates(this.db, importId, kept, layout);
      await cover();
      return added;
    });
  }

  lastIndicatorImport(): Promise<number> {
    return lastIndicatorImport(this.driver);
  }

  addPrefilteredParquet(importId: number, file: string, read: ParquetFlowRead, nets: NearRuns, cover: CoverStep): Promise<number> {
    return this.db.transaction(async () => {
      const added = await addParquetNear(this.db, importId, file, read.columns, read.timeKind, nets);
      await cover();
      return added;
    });
  }

  async importZeekDns(
    meta: ImportMeta,
    file: string,
    layout: DnsTsvLayout,
    match: MatchStep,
    verify: () => Promise<number>,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined> {
    return this.importFast(meta, match, 'dns', async (importId) => {
      const r = await loadZeekDns(this.db, importId, file, layout);
      const dataLines = await verify();
      if (r.rows === 0 || r.rows !== dataLines) throw new Error(`${r.rows} rows from ${dataLines} data lines`);
      return { ...r, counts: { lines: layout.headerLines + r.rows, records: r.rows, framing: layout.headerLines, rejected: 0, examples: [] } };
    });
  }

  /**
   * A telemetry file DuckDB reads itself, in one transaction: `load` inserts its rows (throwing
   * when the file does not qualify after all), then they are matched. Undefined when anything
   * failed: the caller reads the file line by line, which explains bad lines.
   */
  private async importFast(
    meta: ImportMeta,
    match: MatchStep,
    table: 'flows' | 'dns',
    load: (importId: number) => Promise<{ counts: LineCounts; minTs?: Date; maxTs?: Date }>,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined> {
    let out: (ImportOutcome & { counts: LineCounts }) | undefined;
    try {
      out = await this.db.transaction(async () => {
        const importId = await beginImport(this.driver, meta);
        const t0 = performance.now();
        const r = await load(importId);
        const t1 = performance.now();
        const counts = r.counts;
        await finishImport(this.driver, importId, counts, spanOf(r));
        const sightings = await match(importId, [table]);
        return { importId, sightings, retracted: 0, counts, timings: { loadMs: t1 - t0, matchMs: performance.now() - t1 } };
      });
    } catch {
      // Anything DuckDB's reader or the SQL conversions refuse: the line-by-line reader explains it.
      return undefined;
    }
    return out;
  }

  describeParquet(file: string): Promise<{ name: string; type: string }[]> {
    return describeParquet(this.db, file).catch((err: Error) => {
      throw new BotcensusError('UNREADABLE', `not a readable Parquet file: ${err.message.split('\n')[0]}`, { file });
    });
  }

  async importFlowParquet(
    meta: ImportMeta,
    file: string,
    read: ParquetFlowRead,
    match: MatchStep,
    prefiltered?: PrefilteredFile,
  ): Promise<ImportOutcome & { counts: LineCounts }> {
    const { columns, timeKind } = read;
    let out: ImportOutcome & { counts: LineCounts };
    try {
      out = await this.db.transaction(async () => {
        const importId = await beginImport(this.driver, meta);
        const r = await loadFlowParquet(this.db, importId, file, columns, timeKind);
        // Every row is converted (and checked) first; the far ones then go. The file's span is
        // that of all its rows.
        const dropped = prefiltered ? await dropFlowsFarFromIndicators(this.db, importId, prefiltered.coveredThrough) : undefined;
        if (prefiltered) await recordPrefilteredFile(this.driver, importId, prefiltered, r);
        const counts: LineCounts = { lines: r.rows, records: r.rows, framing: 0, rejected: 0, examples: [], prefiltered: dropped };
        await finishImport(this.driver, importId, counts, spanOf(r));
        const sightings = await match(importId, ['flows']);
        return { importId, sightings, retracted: 0, counts };
      });
    } catch (err) {
      // Parquet has no line reader to fall back to: name the first row and field that failed.
      const bad = await firstBadParquetRow(this.db, file, columns, timeKind).catch(() => undefined);
      throw new BotcensusError('BAD_INPUT', bad ? bad.reason : (err as Error).message.split('\n')[0]!, { file, line: bad?.row, field: bad?.field });
    }
    return out;
  }

  loadNumericRanges(file: string, target: NumericRangeTarget): Promise<number> {
    return loadNumericRanges(this.db, file, target);
  }

  /**
   * Copies the whole database into `dir/store.duckdb` (COPY FROM DATABASE: the store's own
   * catalog, not this connection's temporary tables), in one turn with imports so it is
   * consistent. The copy keeps DuckDB's types: an EXPORT DATABASE to Parquet writes 128-bit
   * addresses as text, which takes minutes for the geodata's ranges.
   */
  backup(dir: string): Promise<void> {
    return this.db.exclusive(async () => {
      mkdirSync(dir, { recursive: true });
      const [{ name }] = await this.db.all<{ name: string }>(`SELECT current_database() AS name`);
      await this.db.run(`ATTACH '${join(dir, BACKUP_FILE).replaceAll("'", "''")}' AS botcensus_backup`);
      try {
        await this.db.run(`COPY FROM DATABASE "${name!.replaceAll('"', '""')}" TO botcensus_backup`);
      } finally {
        await this.db.run(`DETACH botcensus_backup`);
      }
    });
  }

  /** Opens a new store at `path` from a folder written by `backup` (or an EXPORT DATABASE folder). */
  static async restore(dir: string, path: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
    if (existsSync(join(dir, BACKUP_FILE))) {
      copyFileSync(join(dir, BACKUP_FILE), path, constants.COPYFILE_EXCL);
      return DuckDbStore.open(path, opts);
    }
    const db = await Db.open(path, opts.threads, opts.memoryLimit ?? process.env.BOTCENSUS_MEMORY_LIMIT);
    try {
      await db.run(`IMPORT DATABASE '${dir.replaceAll("'", "''")}'`);
    } catch (err) {
      db.close();
      throw err;
    }
    db.close();
    return DuckDbStore.open(path, opts);
  }
}

/** The time range of a file's rows as finishImport takes it (epoch ms; none when the file had no rows). */
function spanOf(r: { minTs?: Date; maxTs?: Date }): { min: number; max: number } {
  return { min: r.minTs?.getTime() ?? Infinity, max: r.maxTs?.getTime() ?? -Infinity };
}

/** The database file inside a backup folder. */
const BACKUP_FILE = 'store.duckdb';

