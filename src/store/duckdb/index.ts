// The DuckDB store: one file, versioned schema, one transaction per imported file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp } from '../../core/ip.js';
import { SPECIAL_PURPOSE_KEY, SPECIAL_PURPOSE_LABEL } from '../../core/special-purpose.js';
import { ipLocationDb, type GeoSource } from '../../core/geo-data.js';
import { countryName } from '../../core/country-names.js';
import { table } from '../schema.js';
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
import { foldRepeatedIndicators } from './intel-fold-sql.js';
import type { IndicatorRecord } from '../../core/model/indicator.js';
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
import { matchSightings, rematchImportFlows, retractIndicatorVictims, retractWarnedSightings } from './match-sql.js';
import { fillDerived, migrate } from './migrate.js';
import { ensureVictimFold } from './victim-fold-sql.js';
import { noContactNetworks } from './no-contact-sql.js';
import { createAccessStore } from './access-sql.js';
import { createDashboardStore } from './dashboard-sql.js';
import { compromisedDevices } from './exposure-sql.js';
import type { AccessStore } from '../access.js';
import type { DashboardStore } from '../dashboard.js';
import type { ExposureStore } from '../identify.js';
import { DuckDbDriver } from './driver.js';
import type { FileReadingStore } from '../file-reading.js';
import { lookup, lookupEvidence, lookupNearMisses } from './lookup-sql.js';
import { foldDerived } from './window-sql.js';
import { fieldOfColumn, TABLE_OF_KIND, type TelemetryTable } from './telemetry-rows.js';
import { victims } from './victims-sql.js';
import { pruneRawTelemetry, rawTelemetrySpan } from './retention-sql.js';

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

  private constructor(
    readonly db: Db,
    readonly geoSource: GeoSource,
  ) {
    this.driver = new DuckDbDriver(db);
    this.access = createAccessStore(db);
    this.dashboard = createDashboardStore(db);
    this.exposure = { compromisedDevices: () => compromisedDevices(db) };
  }

  static async open(path: string, opts: DuckDbOptions = {}): Promise<DuckDbStore> {
    const db = await Db.open(path, opts.threads, opts.memoryLimit ?? process.env.BOTCENSUS_MEMORY_LIMIT);
    await migrate(db);
    await createMacros(db);
    await ensureVictimFold(db);
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

  async beginImport(meta: ImportMeta, counts: Partial<LineCounts> = {}): Promise<number> {
    const id = await this.nextId('imports');
    await this.insertImport(id, meta, counts);
    return id;
  }

  async finishImport(id: number, counts: LineCounts, range?: { min: number; max: number }): Promise<void> {
    await recordImportCounts(this.db, id, counts, range && msDate(range.min), range && msDate(range.max));
  }

  private async nextId(tableName: string): Promise<number> {
    const r = await this.db.one<{ n: number | bigint }>(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${tableName}`);
    return Number(r!.n);
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

  async importIntel(imp: IntelImport, match: MatchOptions): Promise<ImportOutcome> {
    const out = await this.db.transaction(async () => {
      const importId = await this.nextId('imports');
      let id = await this.nextId('indicators');
      const ind = await TableAppender.open(this.db, table('indicators'));
      const append = (r: IndicatorRecord) => ind.row(indicatorColumns(r, id++, importId, imp));
      imp.indicators.forEach(append);
      let counts = imp.counts;
      let loaded = imp.indicators.length;
      if (imp.feed)
        counts = await imp.feed(async (batch) => {
          batch.forEach(append);
          loaded += batch.length;
        });
      ind.flush();
      ind.close();
      if (imp.feed) {
        // A streamed file's repeats are only known once it is all in.
        const folded = await foldRepeatedIndicators(this.db, importId);
        loaded -= folded;
        counts = { ...counts, records: counts.records - folded, duplicates: (counts.duplicates ?? 0) + folded };
        imp.check?.(counts);
      }
      await this.insertImport(importId, imp.meta, counts);
      const warn = await TableAppender.open(this.db, table('warnings'));
      for (const w of imp.warnings) {
        warn.row({
          import_id: importId,
          list: w.list,
          kind: w.kind,
          lo: w.lo,
          hi: w.hi,
          prefix: w.lo !== undefined && w.hi !== undefined ? prefixOf(w.lo, w.hi) : undefined,
          domain: w.domain,
          value: w.value,
        });
      }
      warn.flush();
      warn.close();
      let sightings = 0;
      let retracted = 0;
      if (loaded) {
        sightings = await matchSightings(this.db, { indicatorImport: importId, graceMs: match.graceMs });
        retracted = await retractIndicatorVictims(this.db, importId);
      }
      if (imp.warnings.length) retracted += await retractWarnedSightings(this.db);
      return { importId, sightings, retracted };
    });
    return out;
  }

  async importTelemetry(
    meta: ImportMeta,
    feed: TelemetryFeed,
    check: (c: LineCounts) => void,
    match: MatchOptions,
    prefiltered?: PrefilteredFile,
  ): Promise<ImportOutcome & { counts: LineCounts }> {
    const out = await this.db.transaction(async () => {
      const importId = await this.nextId('imports');
      await this.insertImport(importId, meta, {});
      const appenders = new Map<TelemetryTable, TableAppender>();
      let minTs = Infinity;
      let maxTs = -Infinity;
      const counts = await feed(async (records) => {
        for (const r of records) {
          const t = TABLE_OF_KIND[r.kind];
          let a = appenders.get(t);
          if (!a) {
            a = await TableAppender.open(this.db, table(t), fieldOfColumn);
            appenders.set(t, a);
          }
          (r as { import_id?: number }).import_id = importId;
          r.line ??= 0;
          a.row(r as unknown as Record<string, unknown>);
          if (r.ts < minTs) minTs = r.ts;
          if (r.ts > maxTs) maxTs = r.ts;
        }
      });
      for (const a of appenders.values()) {
        a.flush();
        a.close();
      }
      for (const t of appenders.keys()) await fillDerived(this.db, table(t), importId);
      check(counts);
      await recordImportCounts(this.db, importId, counts, msDate(minTs), msDate(maxTs));
      // After the feed: the file's span takes in the flows it stored, and those it dropped.
      if (prefiltered) await recordPrefilteredFile(this.db, importId, prefiltered, { minTs: msDate(minTs), maxTs: msDate(maxTs) });
      const sightings = await matchSightings(this.db, { telemetryImport: importId, graceMs: match.graceMs, tables: [...appenders.keys()] });
      return { importId, sightings, retracted: 0, counts };
    });
    return out;
  }

  async importFlowCsv(
    meta: ImportMeta,
    file: string,
    layout: FlowCsvLayout,
    match: MatchOptions,
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
    match: MatchOptions,
    prefiltered?: PrefilteredFile,
  ): Promise<(ImportOutcome & { counts: LineCounts }) | undefined> {
    return this.importFast(meta, match, 'flows', async (importId) => {
      const r = await loadFlowCandidates(this.db, importId, kept, layout);
      if (r.rows !== kept.kept) throw new Error(`${r.rows} rows from ${kept.kept} kept lines`);
      if (prefiltered) await recordPrefilteredFile(this.db, importId, prefiltered, r);
      const records = kept.lines - kept.blank;
      return { ...r, counts: { lines: kept.lines + 1, records, framing: kept.blank + 1, rejected: 0, examples: [], prefiltered: records - r.rows } };
    });
  }

  prefilteredImports(): Promise<PrefilteredImport[]> {
    return prefilteredImports(this.db);
  }

  addPrefilteredFlows(importId: number, kept: FlowCandidateFiles, layout: FlowCsvLayout, cover: PrefilteredCover): Promise<number> {
    // Matching them against the new indicators is the part of the intel import that follows.
    return this.db.transaction(async () => {
      const added = await addFlowCandidates(this.db, importId, kept, layout);
      await this.coverPrefiltered(importId, cover);
      return added;
    });
  }

  /** The flows of an import read again are matched against the indicators it lagged behind; it is covered through `cover.through`. */
  private async coverPrefiltered(importId: number, cover: PrefilteredCover): Promise<void> {
    await rematchImportFlows(this.db, importId, { after: cover.from, through: cover.through }, cover.graceMs);
    await notePrefilteredCovered(this.db, [importId], cover.through);
  }

  movePrefilteredFile(importId: number, source: FlowFileSource): Promise<void> {
    return movePrefilteredFile(this.db, importId, source);
  }

  notePrefilteredCovered(importIds: number[], through: number): Promise<void> {
    return notePrefilteredCovered(this.db, importIds, through);
  }

  async lastIndicatorImport(): Promise<number> {
    const r = await this.db.one<{ id: number | null }>(`SELECT max(import_id) AS id FROM indicators`);
    return r?.id ?? 0;
  }

  addPrefilteredParquet(importId: number, file: string, read: ParquetFlowRead, nets: NearRuns, cover: PrefilteredCover): Promise<number> {
    return this.db.transaction(async () => {
      const added = await addParquetNear(this.db, importId, file, read.columns, read.timeKind, nets);
      await this.coverPrefiltered(importId, cover);
      return added;
    });
  }

  addPrefilteredRecords(importId: number, feed: TelemetryFeed, cover: PrefilteredCover): Promise<number> {
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
      await this.coverPrefiltered(importId, cover);
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
    match: MatchOptions,
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
    match: MatchOptions,
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
        const sightings = await matchSightings(this.db, { telemetryImport: importId, graceMs: match.graceMs, tables: [table] });
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
    match: MatchOptions,
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
        if (prefiltered) await recordPrefilteredFile(this.db, importId, prefiltered, r);
        const counts: LineCounts = { lines: r.rows, records: r.rows, framing: 0, rejected: 0, examples: [], prefiltered: dropped };
        await recordImportCounts(this.db, importId, counts, r.minTs, r.maxTs);
        const sightings = await matchSightings(this.db, { telemetryImport: importId, graceMs: match.graceMs, tables: ['flows'] });
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

/** Prefix length (128-bit space) of an inclusive range that is a CIDR block. */
function prefixOf(lo: bigint, hi: bigint): number {
  let size = hi - lo + 1n;
  let bits = 0;
  while (size > 1n) {
    size >>= 1n;
    bits++;
  }
  return 128 - bits;
}

/** An indicator as a row of the indicators table. */
function indicatorColumns(r: IndicatorRecord, id: number, importId: number, imp: IntelImport): Record<string, unknown> {
  const isAddr = r.type === 'ip' || r.type === 'cidr' || r.type === 'ip-port';
  let urlPath: string | undefined;
  if (r.type === 'url') {
    try {
      const u = new URL(r.value);
      urlPath = u.pathname + u.search;
    } catch {
      urlPath = undefined;
    }
  }
  return {
    id,
    import_id: importId,
    source: imp.meta.source ?? 'unknown',
    family: imp.family ?? imp.meta.source,
    type: r.type,
    value: r.value,
    lo: r.lo,
    hi: r.hi,
    prefix: isAddr && r.lo !== undefined && r.hi !== undefined ? prefixOf(r.lo, r.hi) : undefined,
    port: r.port,
    domain: r.domain,
    url_path: urlPath,
    tags: r.tags,
    category: r.category,
    description: r.description,
    first_seen: r.firstSeen,
    last_seen: r.lastSeen,
    for_detection: r.forDetection,
    line: r.line,
    timeframe: r.timeframe,
  };
}
