// Imports that match: an intel file's indicators (and warninglists) or a telemetry file's records
// are loaded through the driver inside one `atomically`, then matched (match-sql.ts), so an import
// and its sightings become visible together or not at all. Written once for every driver.
import type { IndicatorRecord } from '../core/model/indicator.js';
import type { Driver } from '../store/driver.js';
import { notePrefilteredAdded, notePrefilteredCovered, recordPrefilteredFile } from '../store/prefiltered-files.js';
import type { CoverStep } from '../store/file-reading.js';
import { table } from '../store/schema.js';
import { sql } from '../store/sql.js';
import type { ImportMeta, ImportOutcome, IntelImport, LineCounts, MatchOptions, PrefilteredCover, PrefilteredFile, Store, TelemetryFeed } from '../store/store.js';
import { fieldOfColumn, TABLE_OF_KIND, type TelemetryTable } from '../store/telemetry-rows.js';
import { foldRepeatedIndicators } from './intel-fold.js';
import { matchSightings, rematchImportFlows, retractIndicatorVictims, retractWarnedSightings } from './match-sql.js';

/** What an import needs of the store: the driver, and the bookkeeping of imports. */
export type ImportingStore = Pick<Store, 'driver' | 'beginImport' | 'finishImport'>;

/**
 * Imports an intel file (indicators, warninglist entries) and matches its indicators against all
 * stored telemetry; victims that turn out to be indicators, and sightings through indicators now
 * warninglisted, are withdrawn.
 */
export async function importIntel(store: ImportingStore, imp: IntelImport, match: MatchOptions): Promise<ImportOutcome> {
  const d = store.driver;
  return d.atomically(async () => {
    // The import's row is written once the file is read: a streamed file's format shows as it is read.
    const importId = await d.nextId('imports', 'id');
    let id = await d.nextId('indicators', 'id');
    const rows = (batch: IndicatorRecord[]) => batch.map((r) => indicatorColumns(r, id++, importId, imp));
    let loaded = await d.load(table('indicators'), rows(imp.indicators));
    let counts = imp.counts;
    if (imp.feed)
      counts = await imp.feed(async (batch) => {
        loaded += await d.load(table('indicators'), rows(batch));
      });
    if (imp.feed) {
      // A streamed file's repeats are only known once it is all in.
      const folded = await foldRepeatedIndicators(d, importId);
      loaded -= folded;
      counts = { ...counts, records: counts.records - folded, duplicates: (counts.duplicates ?? 0) + folded };
      imp.check?.(counts);
    }
    await store.beginImport(imp.meta, counts, importId);
    await d.load(
      table('warnings'),
      imp.warnings.map((w) => ({
        import_id: importId,
        list: w.list,
        kind: w.kind,
        lo: w.lo,
        hi: w.hi,
        prefix: w.lo !== undefined && w.hi !== undefined ? prefixOf(w.lo, w.hi) : undefined,
        domain: w.domain,
        value: w.value,
      })),
    );
    let sightings = 0;
    let retracted = 0;
    if (loaded) {
      sightings = await matchSightings(d, { indicatorImport: importId, graceMs: match.graceMs });
      retracted = await retractIndicatorVictims(d, importId);
    }
    if (imp.warnings.length) retracted += await retractWarnedSightings(d);
    return { importId, sightings, retracted };
  });
}

/**
 * Imports a telemetry file's records (fed in batches) and matches them against every indicator.
 * `check` refuses the import (by throwing) once the counts are known. `prefiltered`: the file of an
 * ingest --prefilter, recorded so that later indicators can have it read again.
 */
export async function importTelemetry(
  store: ImportingStore,
  meta: ImportMeta,
  feed: TelemetryFeed,
  check: (c: LineCounts) => void,
  match: MatchOptions,
  prefiltered?: PrefilteredFile,
): Promise<ImportOutcome & { counts: LineCounts }> {
  const d = store.driver;
  return d.atomically(async () => {
    const importId = await store.beginImport(meta);
    const written = new Set<TelemetryTable>();
    let minTs = Infinity;
    let maxTs = -Infinity;
    const counts = await feed(async (records) => {
      const byTable = new Map<TelemetryTable, Record<string, unknown>[]>();
      for (const r of records) {
        const t = TABLE_OF_KIND[r.kind];
        let rows = byTable.get(t);
        if (!rows) byTable.set(t, (rows = []));
        (r as { import_id?: number }).import_id = importId;
        r.line ??= 0;
        rows.push(r as unknown as Record<string, unknown>);
        if (r.ts < minTs) minTs = r.ts;
        if (r.ts > maxTs) maxTs = r.ts;
      }
      for (const [t, rows] of byTable) {
        await d.load(table(t), rows, fieldOfColumn);
        written.add(t);
      }
    });
    check(counts);
    const range = Number.isFinite(minTs) ? { min: minTs, max: maxTs } : undefined;
    await store.finishImport(importId, counts, range);
    // After the feed: the file's span takes in the flows it stored, and those it dropped.
    if (prefiltered) await recordPrefilteredFile(d, importId, prefiltered, { minTs: range && new Date(range.min), maxTs: range && new Date(range.max) });
    const sightings = await matchSightings(d, { telemetryImport: importId, graceMs: match.graceMs, tables: [...written] });
    return { importId, sightings, retracted: 0, counts };
  });
}

/** Rows written to the store at once by addPrefilteredRecords: few loads, each one bounded. */
const ADD_BATCH = 50_000;

/**
 * Adds the flow records a line-by-line read again of a prefiltered import's file keeps (`feed`
 * writes them; lines already stored are left as they are), then matches them as coverPrefiltered
 * does. Returns how many flows were added. Where `atomically` is a transaction, all of it is one.
 * Elsewhere (ClickHouse) the import's and its file's records are rewritten after the batch that
 * adds the flows: a record replaced inside a batch that then failed would go with the batch, and
 * a failure in between only leaves the file to be read again, which adds nothing twice.
 */
export async function addPrefilteredRecords(d: Driver, importId: number, feed: TelemetryFeed, cover: PrefilteredCover): Promise<number> {
  const span = { added: 0, min: Infinity, max: -Infinity };
  const addFlows = async () => {
    const flows = table('flows');
    const stored = new Set(
      (await d.all<{ line: number }>(sql`SELECT f.line AS line FROM flows f WHERE f.import_id = ${importId} AND ${d.dialect.visibleRows(sql.ident('f'))}`)).map((r) => Number(r.line)),
    );
    let rows: Record<string, unknown>[] = [];
    const flush = async () => {
      if (rows.length) await d.load(flows, rows, fieldOfColumn);
      rows = [];
    };
    await feed(async (batch) => {
      for (const r of batch) {
        if (r.kind !== 'flow' || r.line === undefined || stored.has(r.line)) continue;
        stored.add(r.line);
        (r as { import_id?: number }).import_id = importId;
        rows.push(r as unknown as Record<string, unknown>);
        span.added++;
        if (r.ts < span.min) span.min = r.ts;
        if (r.ts > span.max) span.max = r.ts;
      }
      if (rows.length >= ADD_BATCH) await flush();
    });
    await flush();
    await rematchImportFlows(d, importId, { after: cover.from, through: cover.through }, cover.graceMs);
  };
  const noteFile = async () => {
    if (span.added) await notePrefilteredAdded(d, importId, span.added, new Date(span.min), new Date(span.max));
    await notePrefilteredCovered(d, [importId], cover.through);
  };
  if (d.can('transactions')) {
    await d.atomically(async () => {
      await addFlows();
      await noteFile();
    });
  } else {
    await d.atomically(addFlows);
    await noteFile();
  }
  return span.added;
}

/**
 * The matching step of an import whose rows a driver's fast path loaded itself (a flow CSV,
 * Parquet or dns.log file DuckDB reads): called inside that import's `atomically`.
 */
export function matchImport(d: Driver, match: MatchOptions): (importId: number, tables: TelemetryTable[]) => Promise<number> {
  return (importId, tables) => matchSightings(d, { telemetryImport: importId, graceMs: match.graceMs, tables });
}

/**
 * What follows adding rows to a prefiltered import (read again for later indicators): its flows
 * are matched against the indicators it lagged behind, and it is covered through `cover.through`.
 */
export function coverPrefiltered(d: Driver, importId: number, cover: PrefilteredCover): CoverStep {
  return async () => {
    await rematchImportFlows(d, importId, { after: cover.from, through: cover.through }, cover.graceMs);
    await notePrefilteredCovered(d, [importId], cover.through);
  };
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
