// The DuckDB store: one file, versioned schema, one transaction per imported file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp } from '../../core/ip.js';
import { SPECIAL_PURPOSE_KEY, SPECIAL_PURPOSE_LABEL } from '../../core/special-purpose.js';
import { ipLocationDb, type GeoSource } from '../../core/geo-data.js';
import { countryName } from '../../core/country-names.js';
import { table, TABLES } from '../schema.js';
import type {
  RawTelemetryKind,
  RawTelemetrySpan,
  CensusQuery,
  CensusResult,
  ImportKind,
  ImportMeta,
  ImportOutcome,
  ImportRow,
  IndicatorFilter,
  IndicatorRow,
  IndicatorSelection,
  IntelImport,
  LineCounts,
  HostEnrichment,
  LookupEvidence,
  LookupResult,
  NearMissResult,
  ExportFormat,
  ExportWhat,
  DnsTsvLayout,
  FlowCandidateFiles,
  FlowCsvLayout,
  FlowFileSource,
  MatchOptions,
  NearRuns,
  ParquetFlowRead,
  PrefilteredCover,
  PrefilteredFile,
  PrefilteredImport,
  Store,
  TelemetryFeed,
  VictimFilter,
  VictimRow,
} from '../store.js';
import { TableAppender } from './appender.js';
import { census } from './census-sql.js';
import { Db } from './connection.js';
import { loadNumericRanges, type NumericRangeTarget } from './range-csv-sql.js';
import { exportData } from './export-sql.js';
import { msDate, recordImportCounts } from './import-counts-sql.js';
import {
  addFlowCandidates,
  addParquetNear,
  describeParquet,
  dropFlowsFarFromIndicators,
  firstBadParquetRow,
  ipv4IndicatorRanges,
  ipv6IndicatorNets,
  loadFlowCandidates,
  loadFlowCsv,
  loadFlowParquet,
} from './flow-file-sql.js';
import { loadZeekDns } from './dns-file-sql.js';
import { movePrefilteredFile, notePrefilteredAdded, notePrefilteredCovered, prefilteredImports, recordPrefilteredFile } from './prefiltered-files-sql.js';
import { BotcensusError } from '../../core/errors.js';
import { indicatorRow, importRow, type RawImport, type RawIndicator } from './rows.js';
import { createMacros } from './macros.js';
import { fillDerived, migrate } from './migrate.js';
import { noContactNetworks } from './no-contact-sql.js';
import { createAccessStore } from './access-sql.js';
import { createDashboardStore } from './dashboard-sql.js';
import { exposedDevices, exposure } from './exposure-sql.js';
import { createMailStore } from './mail-sql.js';
import type { AccessStore } from '../access.js';
import type { DashboardStore } from '../dashboard.js';
import type { ExposureStore } from '../identify.js';
import { DuckDbDriver } from './driver.js';
import type { CoverStep, FileReadingStore, MatchStep } from '../file-reading.js';
import type { MailStore } from '../mail.js';
import { lookup, lookupEvidence, lookupNearMisses } from './lookup-sql.js';
import { foldDerived } from './window-sql.js';
import { fieldOfColumn } from '../telemetry-rows.js';
import { victims } from './victims-sql.js';
import { pruneRawTelemetry, rawTelemetrySpan } from './retention-sql.js';

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
  readonly access: AccessStore;
  readonly dashboard: DashboardStore;
  readonly exposure: ExposureStore;
  readonly mail: MailStore;

  private constructor(
    readonly db: Db,
    readonly geoSource: GeoSource,
  ) {
    this.driver = new DuckDbDriver(db);
    this.access = createAccessStore(db);
    this.dashboard = createDashboardStore(db);
    this.exposure = { exposure: (q) => exposure(db, q), exposedDevices: (q) => exposedDevices(db, q) };
    this.mail = createMailStore(db);
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

  async findImport(sha256: string, kind: ImportKind): Promise<ImportRow | undefined> {
    const r = await this.db.one<RawImport>(`SELECT * FROM imports WHERE sha256 = $1 AND kind = $2`, [sha256, kind]);
    return r && importRow(r);
  }

  async listImports(): Promise<ImportRow[]> {
    return (await this.db.all<RawImport>(`SELECT * FROM imports ORDER BY id`)).map(importRow);
  }

  async beginImport(meta: ImportMeta, counts: Partial<LineCounts> = {}, reserved?: number): Promise<number> {
    const id = reserved ?? (await this.nextId('imports'));
    await this.insertImport(id, meta, counts);
    return id;
  }

  async finishImport(id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void> {
    // Rows loaded through the driver (an appender) get their derived columns now, before anything reads them.
    for (const t of DERIVED_TABLES) await fillDerived(this.db, t, id);
    await recordImportCounts(this.db, id, counts, range && msDate(range.min), range && msDate(range.max));
  }

  /** Through the driver, which remembers the ids it handed out: an id reserved for beginImport is not handed out again. */
  private nextId(tableName: string): Promise<number> {
    return this.driver.nextId(tableName, 'id');
  }

  private async insertImport(id: number, meta: ImportMeta, c: Partial<LineCounts>): Promise<void> {
    const a = await TableAppender.open(this.db, table('imports'));
    a.row({
      id,
      kind: meta.kind,
      format: meta.format,
      file: meta.file,
      sha256: meta.sha256,
      source: meta.source,
      sensor: meta.sensor,
      imported_at: Date.now(),
      lines: c.lines ?? 0,
      records: c.records ?? 0,
      framing: c.framing ?? 0,
      rejected: c.rejected ?? 0,
      duplicates: c.duplicates ?? 0,
      examples: c.examples ?? [],
      skipped: c.skipped ?? [],
    });
    a.flush();
    a.close();
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

  prefilteredImports(): Promise<PrefilteredImport[]> {
    return prefilteredImports(this.db);
  }

  addPrefilteredFlows(importId: number, kept: FlowCandidateFiles, layout: FlowCsvLayout, cover: CoverStep): Promise<number> {
    // Matching them against the new indicators is the part of the intel import that follows.
    return this.db.transaction(async () => {
      const added = await addFlowCandidates(this.db, importId, kept, layout);
      await cover();
      return added;
    });
  }

  movePrefilteredFile(importId: number, source: FlowFileSource): Promise<void> {
    return movePrefilteredFile(this.db, importId, source);
  }

  notePrefilteredCovered(importIds: number[], through: number): Promise<void> {
    return notePrefilteredCovered(this.driver, importIds, through);
  }

  async lastIndicatorImport(): Promise<number> {
    const r = await this.db.one<{ id: number | null }>(`SELECT max(import_id) AS id FROM indicators`);
    return r?.id ?? 0;
  }

  addPrefilteredParquet(importId: number, file: string, read: ParquetFlowRead, nets: NearRuns, cover: CoverStep): Promise<number> {
    return this.db.transaction(async () => {
      const added = await addParquetNear(this.db, importId, file, read.columns, read.timeKind, nets);
      await cover();
      return added;
    });
  }

  addPrefilteredRecords(importId: number, feed: TelemetryFeed, cover: CoverStep): Promise<number> {
    return this.db.transaction(async () => {
      // The lines stored already (a prefiltered import keeps about one flow in a hundred).
      const stored = new Set((await this.db.all<{ line: number }>(`SELECT line FROM flows WHERE import_id = $imp`, { imp: importId })).map((r) => r.line));
      const a = await TableAppender.open(this.db, table('flows'), fieldOfColumn);
      let added = 0;
      let minTs = Infinity;
      let maxTs = -Infinity;
      await feed(async (records) => {
        for (const r of records) {
          if (r.kind !== 'flow' || r.line === undefined || stored.has(r.line)) continue;
          stored.add(r.line);
          (r as { import_id?: number }).import_id = importId;
          a.row(r as unknown as Record<string, unknown>);
          added++;
          minTs = Math.min(minTs, r.ts);
          maxTs = Math.max(maxTs, r.ts);
        }
      });
      a.flush();
      a.close();
      if (added) {
        await fillDerived(this.db, table('flows'), importId);
        await notePrefilteredAdded(this.db, importId, added, msDate(minTs), msDate(maxTs));
      }
      await cover();
      return added;
    });
  }

  ipv4IndicatorRanges(which: IndicatorSelection = {}): Promise<[number, number][]> {
    return ipv4IndicatorRanges(this.db, which);
  }

  ipv6IndicatorNets(which: IndicatorSelection = {}): Promise<[number, number][]> {
    return ipv6IndicatorNets(this.db, which);
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
        const importId = await this.nextId('imports');
        await this.insertImport(importId, meta, {});
        const t0 = performance.now();
        const r = await load(importId);
        const t1 = performance.now();
        const counts = r.counts;
        await recordImportCounts(this.db, importId, counts, r.minTs, r.maxTs);
        const sightings = await match(importId, [table]);
        return { importId, sightings, retracted: 0, counts, timings: { loadMs: t1 - t0, matchMs: performance.now() - t1 } };
      });
    } catch {
      // Anything DuckDB's reader or the SQL conversions refuse: the line-by-line reader explains it.
      return undefined;
    }
    return out;
  }

  exportData(what: ExportWhat, format: ExportFormat, file: string, filter: VictimFilter): Promise<number> {
    return exportData(this.db, what, format, file, filter);
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
        const importId = await this.nextId('imports');
        await this.insertImport(importId, meta, {});
        const r = await loadFlowParquet(this.db, importId, file, columns, timeKind);
        // Every row is converted (and checked) first; the far ones then go. The file's span is
        // that of all its rows.
        const dropped = prefiltered ? await dropFlowsFarFromIndicators(this.db, importId, prefiltered.coveredThrough) : undefined;
        if (prefiltered) await recordPrefilteredFile(this.driver, importId, prefiltered, r);
        const counts: LineCounts = { lines: r.rows, records: r.rows, framing: 0, rejected: 0, examples: [], prefiltered: dropped };
        await recordImportCounts(this.db, importId, counts, r.minTs, r.maxTs);
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

  async listIndicators(f: IndicatorFilter): Promise<IndicatorRow[]> {
    const rows = await this.db.all<RawIndicator>(
      `WITH w AS (
         SELECT i.id, list(DISTINCT w.list) AS lists FROM indicators i
         JOIN warnings w ON (w.kind = 'cidr' AND i.lo >= w.lo AND i.hi <= w.hi)
                         OR (w.kind = 'domain' AND list_contains(domain_suffixes(i.domain), w.domain))
         GROUP BY i.id),
       m AS (SELECT indicator_id AS id, count(DISTINCT victim) AS victims FROM sightings GROUP BY indicator_id)
       SELECT i.*, coalesce(w.lists, []) AS warnings, coalesce(m.victims, 0) AS victims
       FROM indicators i LEFT JOIN w USING (id) LEFT JOIN m USING (id)
       WHERE ($type IS NULL OR i.type = $type) AND ($source IS NULL OR i.source = $source)
       ORDER BY i.id LIMIT $limit`,
      { type: f.type ?? null, source: f.source ?? null, limit: f.limit ?? 1_000_000 },
    );
    return rows.map(indicatorRow);
  }

  backup(dir: string): Promise<void> {
    return this.db.exclusive(async () => {
      await this.db.run(`EXPORT DATABASE '${dir.replaceAll("'", "''")}' (FORMAT parquet)`);
      // DuckDB exports the rows of this connection's temporary tables too, but not their schema:
      // the backup keeps the store's own tables only.
      const temp = new Set((await this.db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE temporary`)).map((r) => r.t));
      const load = join(dir, 'load.sql');
      const kept = readFileSync(load, 'utf8')
        .split('\n')
        .filter((line) => {
          const m = /^COPY (\S+) FROM '([^']*)'/.exec(line);
          if (!m || !temp.has(m[1]!)) return true;
          rmSync(m[2]!, { force: true });
          return false;
        });
      writeFileSync(load, kept.join('\n'));
    });
  }

  /** Opens a new store at `path` from a folder written by `backup`. */
  static async restore(dir: string, path: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
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

  rawTelemetrySpan(): Promise<RawTelemetrySpan[]> {
    return rawTelemetrySpan(this.db);
  }

  pruneRawTelemetry(before: Partial<Record<RawTelemetryKind, Date>>): Promise<{ table: string; deleted: number }[]> {
    return pruneRawTelemetry(this.db, before);
  }

  async victimCount(): Promise<number> {
    const r = await this.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM victim_fold`);
    return Number(r?.n ?? 0);
  }

  async latestSighting(): Promise<number | undefined> {
    const r = await this.db.one<{ t: Date | null }>(`SELECT max(last_seen) AS t FROM sightings`);
    return r?.t ? r.t.getTime() : undefined;
  }

  census(q: CensusQuery): Promise<CensusResult> {
    return census(this.db, q, (by, key, raw) => {
      if (key === SPECIAL_PURPOSE_KEY && (by === 'country' || by === 'asn' || by === 'org')) return SPECIAL_PURPOSE_LABEL;
      if (by === 'country') return key === '??' ? 'Unknown' : countryName(key);
      if (by === 'asn') return key === '??' ? 'Unknown' : `AS${key}${raw ? ' ' + raw : ''}`;
      if (key === 'unknown' && (by === 'device' || by === 'vendor' || by === 'product')) return 'Unidentified';
      if (by === 'cve' && key === 'none') return 'No known exploited CVE (or unidentified)';
      if (by === 'vendor' || by === 'product') return raw ?? key;
      return raw ? `${key} (${raw})` : key;
    });
  }

  victims(f: VictimFilter): Promise<VictimRow[]> {
    return victims(this.db, f);
  }

  prepareForQueries(): Promise<void> {
    return foldDerived(this.db);
  }

  lookupEvidence(ip: bigint, host: HostEnrichment | undefined): Promise<LookupEvidence> {
    return lookupEvidence(this.db, ip, formatIp(ip), true, host);
  }

  lookupNearMisses(ip: bigint, match: MatchOptions): Promise<NearMissResult> {
    return lookupNearMisses(this.db, ip, match);
  }

  lookup(ip: bigint, match: MatchOptions, host: HostEnrichment | undefined): Promise<LookupResult> {
    return lookup(this.db, ip, match, formatIp(ip), host);
  }

  noContactNetworks(): Promise<{ asn?: number; asOrg?: string; victims: number }[]> {
    return noContactNetworks(this.db);
  }
}
