// Imports one telemetry file: hash it, skip it if the same bytes were imported before, detect or
// check its format, stream it into the store inside one transaction, and match it. Scan files
// (zgrab2, Shodan, Censys) take the same path into the services table instead; the passive rows of
// a telemetry file (Server headers, certificates, device reports) become services after it.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { flowNear, type NearNets } from './prefilter/near-nets.js';
import { fileSource, prefilterFlowCsv } from './prefilter/flow-prefilter.js';
import { indicatorNets } from './prefilter/indicator-nets.js';
import { KeptLineRefused, readKeptFlows } from './prefilter/kept-flows.js';
import { BotcensusError, FieldError } from '../core/errors.js';
import { parquetFlowColumns } from './flow-parquet-layout.js';
import { sha256File } from '../core/hash.js';
import { zeekDnsBody, zeekDnsLayout } from './zeek/dns-layout.js';
import { derivePassiveServices } from '../identify/passive.js';
import { readScanFile } from '../identify/scan-reader.js';
import { importOnce } from '../store/imports.js';
import type { FlowCandidateFiles, FlowCsvLayout, FlowFileSource, ImportMeta, ImportRow, LineCounts, MatchOptions, ParquetFlowRead, PrefilteredFile, Store } from '../store/store.js';
import { detectIngestFormat, ingestFormatByName } from './formats.js';
import { blankLineInside, nfdumpLayout } from './flow-csv-layout.js';
import { headLines, isGzip, readRecords } from '../core/reader.js';
import type { TelemetryRecord } from '../core/model/telemetry.js';
import { identifyStore } from '../identify/store.js';
import { enrichVictims } from '../enrich/enrich.js';
import { importTelemetry, matchImport } from '../match/import.js';
import { withParquetReader } from '../store/duckdb/parquet-reader.js';

export interface IngestOptions {
  /** The name the import is recorded under (default: the path), e.g. an upload's original name. */
  name?: string;
  /** A format name, or 'auto' to detect it. */
  format?: string;
  sensor?: string;
  /** Fail the file when any line is rejected. */
  strict?: boolean;
  /** UTC offset for times written without a zone. */
  tz?: string;
  match: MatchOptions;
  onProgress?: (bytesRead: number) => void;
  /** Never use DuckDB's own CSV reader (the fast path), e.g. to compare both. */
  lineByLine?: boolean;
  /**
   * Store only the flows with an address near an address indicator (core/flow-near.ts: in a /24,
   * or an IPv6 /48, that it overlaps); the others are checked and counted but not stored. For feeds too large to keep whole.
   * Indicators imported later have the file read again, where it was (flow-rescan.ts), for the
   * flows near them.
   */
  prefilter?: boolean;
}

export type IngestResult =
  | {
      status: 'imported';
      file: string;
      format: string;
      importId: number;
      counts: LineCounts;
      sightings: number;
      /** Services stored for device identification (scan observations, or passive rows folded). */
      services?: number;
      /** True when DuckDB read the file itself (the flow CSV, Parquet and Zeek dns.log fast paths). */
      fast?: boolean;
      /** The fast path's stages: the prefilter's scan (ingest --prefilter), DuckDB's load, the match. */
      timings?: { scanMs?: number; loadMs: number; matchMs: number };
    }
  | { status: 'duplicate'; file: string; previous: ImportRow };

export async function ingestFile(store: Store, file: string, opts: IngestOptions): Promise<IngestResult> {
  // --prefilter keeps the flows near the indicators stored now: the file is covered through the
  // newest of their imports (PrefilteredFile.coveredThrough).
  const coveredThrough = opts.prefilter ? await store.lastIndicatorImport() : 0;
  const nets = opts.prefilter ? await indicatorNets(store.driver, { through: coveredThrough }) : undefined;
  // The prefilter's scan of a plain nfdump CSV starts before the hash is done: the two run side
  // by side (a duplicate file's scan is thrown away).
  const early = nets && !opts.lineByLine ? await startPrefilter(file, opts, nets) : undefined;
  try {
    const out = await ingest(store, file, opts, nets && { nets, coveredThrough }, early);
    // New victims get their AS and country now, unless a batch enriches once at its end.
    if (out.status === 'imported' && !opts.match.deferEnrich) await enrichVictims(store, { importId: out.importId });
    return out;
  } finally {
    if (early) {
      await early.scan;
      await rm(early.dir, { recursive: true, force: true });
    }
  }
}

/** A prefilter scan under way, in a scratch folder; `scan` never rejects. */
interface EarlyPrefilter {
  layout: FlowCsvLayout;
  /** The file as the scan found it: recorded, so that indicators imported later can have it read again. */
  source: FlowFileSource;
  dir: string;
  scan: Promise<{ kept: FlowCandidateFiles; ms: number } | undefined>;
}

async function startPrefilter(file: string, opts: IngestOptions, nets: NearNets): Promise<EarlyPrefilter | undefined> {
  if (opts.format && opts.format !== 'auto' && opts.format !== 'nfdump') return undefined;
  // The scan reads raw bytes: a gzipped file goes through the line reader's filter instead.
  if (await isGzip(file).catch(() => true)) return undefined;
  const layout = nfdumpLayout(await headLines(file, 2).catch(() => []), opts.tz);
  if (!layout) return undefined;
  const source = await fileSource(file);
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-prefilter-'));
  const t0 = performance.now();
  const scan = prefilterFlowCsv(file, layout, nets, dir, { onProgress: opts.onProgress }).then(
    (kept) => ({ kept, ms: performance.now() - t0 }),
    // A scan that fails (a line longer than its buffer, say): the line reader takes the file.
    () => undefined,
  );
  return { layout, source, dir, scan };
}

/** What --prefilter keeps flows near: the networks of the indicators of the imports up to `coveredThrough`. */
interface Near {
  nets: NearNets;
  coveredThrough: number;
}

async function ingest(store: Store, file: string, opts: IngestOptions, near?: Near, early?: EarlyPrefilter): Promise<IngestResult> {
  const sha256 = await sha256File(file).catch((err: Error) => {
    throw err instanceof BotcensusError ? err : new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file });
  });
  const previous = await store.findImport(sha256, 'telemetry');
  if (previous) return { status: 'duplicate', file, previous };
  return importOnce(store.driver, sha256, 'telemetry', () => ingestNew(store, file, sha256, opts, near, early), (previous) => ({ status: 'duplicate', file, previous }));
}

/** Imports a file no earlier import holds. */
async function ingestNew(store: Store, file: string, sha256: string, opts: IngestOptions, near?: Near, early?: EarlyPrefilter): Promise<IngestResult> {
  const auto = !opts.format || opts.format === 'auto';
  if (opts.format === 'parquet' || (auto && (await isParquet(file)))) return ingestParquet(store, file, sha256, opts, near);
  const resolved = auto ? await detectIngestFormat(file) : ingestFormatByName(opts.format!);
  const meta = { kind: 'telemetry' as const, format: resolved.format.name, file: opts.name ?? file, sha256, sensor: opts.sensor };
  const check = (c: LineCounts) => checkCounts(file, c, opts.strict ?? false);
  if (resolved.kind === 'scan') {
    const scan = resolved.format;
    const out = await identifyStore(store).importScan(meta, (write) => readScanFile(file, scan, write, { tz: opts.tz }, { onProgress: opts.onProgress }), check);
    return { status: 'imported', file, format: scan.name, importId: out.importId, counts: out.counts, sightings: 0, services: out.services };
  }
  const format = resolved.format;
  // DuckDB reads plain nfdump CSV and Zeek dns.log itself; a file it refuses is read line by line below.
  const fast = opts.lineByLine ? undefined : await tryFastPath(store, file, format.name, meta, opts, near, early);
  if (fast)
    return { status: 'imported', file, format: format.name, importId: fast.importId, counts: fast.counts, sightings: fast.sightings, fast: true, timings: fast.timings };
  const kept = near && early && !store.files ? await keptFlowsImport(store, file, meta, opts, near, early) : undefined;
  if (kept) return kept;
  // A prefiltered file is recorded with how to read it again (for indicators imported later).
  const nets = near?.nets;
  const prefiltered: PrefilteredFile | undefined = near && {
    ...(early?.source ?? (await fileSource(file))),
    read: { reader: 'lines' as const, format: format.name, tz: opts.tz },
    coveredThrough: near.coveredThrough,
  };
  const out = await importTelemetry(
    store,
    meta,
    async (write) => {
      const dropped: Dropped = { n: 0, from: Infinity, to: -Infinity };
      const onBatch = nets ? (records: TelemetryRecord[]) => write(keepNear(nets, records, dropped)) : write;
      const parser = format.create({ file, fileName: basename(file), tz: opts.tz });
      const counts: LineCounts = await readRecords(file, parser, onBatch, { onProgress: opts.onProgress });
      // Shadowserver rows short of their last columns are read, and counted apart.
      if ('shortRows' in parser && typeof parser.shortRows === 'number' && parser.shortRows) counts.shortRows = parser.shortRows;
      // The store records the file once its flows are read: with the start times of those dropped.
      if (prefiltered && dropped.n) prefiltered.span = { from: dropped.from, to: dropped.to };
      return nets ? { ...counts, prefiltered: dropped.n } : counts;
    },
    check,
    opts.match,
    prefiltered,
  );
  const services = await derivePassiveServices(store, out.importId);
  return { status: 'imported', file, format: format.name, importId: out.importId, counts: out.counts, sightings: out.sightings, services };
}

/**
 * ingest --prefilter of a plain nfdump CSV on a store that does not read files itself: the flows
 * of the lines the scan kept, parsed by the nfdump parser; undefined when the scan could not read
 * the file or kept a line that is not a well-formed flow (the file is then read line by line).
 */
async function keptFlowsImport(store: Store, file: string, meta: ImportMeta, opts: IngestOptions, near: Near, early: EarlyPrefilter): Promise<IngestResult | undefined> {
  const scanned = await early.scan;
  if (!scanned) return undefined;
  const read = { reader: 'scan' as const, layout: early.layout, tz: opts.tz };
  const prefiltered: PrefilteredFile = { ...early.source, read, coveredThrough: near.coveredThrough, span: scanned.kept.span };
  let out;
  try {
    out = await importTelemetry(
      store,
      meta,
      (write) => readKeptFlows(file, scanned.kept, { tz: opts.tz }, write),
      (c) => checkCounts(file, c, opts.strict ?? false),
      opts.match,
      prefiltered,
    );
  } catch (err) {
    if (err instanceof KeptLineRefused) return undefined;
    throw err;
  }
  return { status: 'imported', file, format: 'nfdump', importId: out.importId, counts: out.counts, sightings: out.sightings };
}

/**
 * A Parquet flow file: the engine reads it itself where it can (DuckDB); elsewhere an embedded
 * DuckDB converts it the same way and its flows are written through the store's driver.
 */
async function ingestParquet(store: Store, file: string, sha256: string, opts: IngestOptions, near?: Near): Promise<IngestResult> {
  const meta = { kind: 'telemetry' as const, format: 'parquet', file: opts.name ?? file, sha256, sensor: opts.sensor };
  const readOf = async (describe: (file: string) => Promise<{ name: string; type: string }[]>) => {
    try {
      const layout = parquetFlowColumns(await describe(file));
      return { reader: 'parquet' as const, columns: layout.cols, timeKind: layout.timeKind };
    } catch (err) {
      if (err instanceof FieldError) throw new BotcensusError('BAD_INPUT', `not a flow file: ${err.message}`, { file, field: err.field });
      throw err;
    }
  };
  // A prefiltered file is recorded with how to read it again (for indicators imported later).
  const prefilteredAs = async (read: ParquetFlowRead): Promise<PrefilteredFile | undefined> =>
    near && { ...(await fileSource(file)), read, coveredThrough: near.coveredThrough };
  const files = store.files;
  if (files) {
    const read = await readOf((f) => files.describeParquet(f));
    const out = await files.importFlowParquet(meta, file, read, matchImport(store.driver, opts.match), await prefilteredAs(read));
    return { status: 'imported', file, format: 'parquet', importId: out.importId, counts: out.counts, sightings: out.sightings, fast: true };
  }
  return withParquetReader(async (reader) => {
    const read = await readOf(reader.describe);
    const prefiltered = await prefilteredAs(read);
    const nets = near?.nets;
    const out = await importTelemetry(
      store,
      meta,
      async (write) => {
        const dropped: Dropped = { n: 0, from: Infinity, to: -Infinity };
        const counts = await reader.readFlows(file, read, (records) => write(nets ? keepNear(nets, records, dropped) : records));
        if (prefiltered && dropped.n) prefiltered.span = { from: dropped.from, to: dropped.to };
        return nets ? { ...counts, prefiltered: dropped.n } : counts;
      },
      (c) => checkCounts(file, c, opts.strict ?? false),
      opts.match,
      prefiltered,
    );
    return { status: 'imported', file, format: 'parquet', importId: out.importId, counts: out.counts, sightings: out.sightings };
  });
}

/**
 * The DuckDB fast path of the formats that have one, with the scan that checks the file's shape
 * running beside it; undefined when the file is to be read line by line.
 */
async function tryFastPath(store: Store, file: string, format: string, meta: ImportMeta, opts: IngestOptions, near?: Near, early?: EarlyPrefilter) {
  const files = store.files;
  if (!files) return undefined;
  // DuckDB inflates a gzip file itself, past the inflate limits: the scan that checks the file's
  // shape (through the reader base, which holds them) then runs to its end first, so that a gzip
  // bomb is refused before DuckDB starts on it.
  const gz = await isGzip(file);
  // --prefilter: the scan's kept lines, if it could read the file.
  if (format === 'nfdump' && opts.prefilter) {
    const scanned = early && (await early.scan);
    if (!scanned) return undefined;
    const read = { reader: 'scan' as const, layout: early!.layout, tz: opts.tz };
    const out = await files.importFlowCandidates(meta, scanned.kept, early!.layout, matchImport(store.driver, opts.match), {
      ...early!.source,
      read,
      coveredThrough: near!.coveredThrough,
      span: scanned.kept.span,
    });
    return out && { ...out, timings: out.timings && { ...out.timings, scanMs: scanned.ms } };
  }
  if (format === 'nfdump') {
    const layout = nfdumpLayout(await headLines(file, 2), opts.tz);
    if (!layout) return undefined;
    const blank = blankLineInside(file);
    if (gz) await blank;
    const out = await files.importFlowCsv(meta, file, layout, matchImport(store.driver, opts.match), async () => {
      if (await blank) throw new Error('blank line inside the file: line numbers would drift');
    });
    if (!out) await blank.catch(() => undefined);
    return out;
  }
  if (format === 'zeek') {
    const layout = zeekDnsLayout(await headLines(file, 30), opts.tz);
    if (!layout) return undefined;
    const body = zeekDnsBody(file, layout.headerLines);
    if (gz) await body;
    const out = await files.importZeekDns(meta, file, layout, matchImport(store.driver, opts.match), async () => {
      const b = await body;
      if (!b.plain) throw new Error('header or blank lines inside the data: line numbers would drift');
      return b.dataLines;
    });
    if (!out) await body.catch(() => undefined);
    return out;
  }
  return undefined;
}

/** The flows a prefiltered import did not store: how many, and their earliest and latest start. */
interface Dropped {
  n: number;
  from: number;
  to: number;
}

/** The records a prefiltered import stores: all but the flows far from every indicator (counted in `dropped`). */
function keepNear(nets: NearNets, records: TelemetryRecord[], dropped: Dropped): TelemetryRecord[] {
  return records.filter((r) => {
    if (r.kind !== 'flow' || flowNear(nets, r)) return true;
    dropped.n++;
    if (r.ts < dropped.from) dropped.from = r.ts;
    if (r.ts > dropped.to) dropped.to = r.ts;
    return false;
  });
}

/** Parquet files start (and end) with the magic bytes "PAR1". */
async function isParquet(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/** Fails an import with nothing in it, or, under --strict, with any rejected line. */
export function checkCounts(file: string, c: LineCounts, strict: boolean): void {
  const first = c.examples[0];
  const where = first ? { file, line: first.line, field: first.field } : { file };
  if (c.records === 0 && c.rejected > 0)
    throw new BotcensusError('NOTHING_IMPORTED', `nothing imported: all ${c.rejected} data lines rejected; first: ${first?.reason}`, where);
  if (c.records === 0) throw new BotcensusError('NOTHING_IMPORTED', 'nothing imported: the file has no data lines', { file });
  if (strict && c.rejected > 0)
    throw new BotcensusError('STRICT', `--strict: ${c.rejected} line(s) rejected; first: ${first?.reason}`, where);
}
