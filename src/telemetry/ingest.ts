// Imports one telemetry file: hash it, skip it if the same bytes were imported before, detect or
// check its format, stream it into the store inside one transaction, and match it. Scan files
// (zgrab2, Shodan, Censys) take the same path into the services table instead; the passive rows of
// a telemetry file (Server headers, certificates, device reports) become services after it.
import { open } from 'node:fs/promises';
import { BotcensusError, FieldError } from '../core/errors.js';
import { parquetFlowColumns } from './flow-parquet-layout.js';
import { sha256File } from '../core/hash.js';
import { derivePassiveServices } from '../identify/passive.js';
import { readScanFile } from '../identify/scan-reader.js';
import type { ImportRow, LineCounts, MatchOptions, Store } from '../store/store.js';
import { detectIngestFormat, ingestFormatByName } from './formats.js';
import { blankLineInside, nfdumpLayout } from './flow-csv-layout.js';
import { headLines, readTelemetry } from './reader.js';

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
      /** True when DuckDB read the file itself (the flow CSV fast path). */
      fast?: boolean;
      timings?: { loadMs: number; matchMs: number };
    }
  | { status: 'duplicate'; file: string; previous: ImportRow };

export async function ingestFile(store: Store, file: string, opts: IngestOptions): Promise<IngestResult> {
  const sha256 = await sha256File(file).catch((err: Error) => {
    throw new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file });
  });
  const previous = await store.findImport(sha256, 'telemetry');
  if (previous) return { status: 'duplicate', file, previous };
  const auto = !opts.format || opts.format === 'auto';
  if (opts.format === 'parquet' || (auto && (await isParquet(file)))) {
    const meta = { kind: 'telemetry' as const, format: 'parquet', file: opts.name ?? file, sha256, sensor: opts.sensor };
    let layout;
    try {
      layout = parquetFlowColumns(await store.describeParquet(file));
    } catch (err) {
      if (err instanceof FieldError) throw new BotcensusError('BAD_INPUT', `not a flow file: ${err.message}`, { file, field: err.field });
      throw err;
    }
    const out = await store.importFlowParquet(meta, file, layout.cols, layout.timeKind, opts.match);
    return { status: 'imported', file, format: 'parquet', importId: out.importId, counts: out.counts, sightings: out.sightings, fast: true };
  }
  const resolved = auto ? await detectIngestFormat(file) : ingestFormatByName(opts.format!);
  const meta = { kind: 'telemetry' as const, format: resolved.format.name, file: opts.name ?? file, sha256, sensor: opts.sensor };
  const check = (c: LineCounts) => checkCounts(file, c, opts.strict ?? false);
  if (resolved.kind === 'scan') {
    const scan = resolved.format;
    const out = await store.identify.importScan(meta, (write) => readScanFile(file, scan, write, { tz: opts.tz }, { onProgress: opts.onProgress }), check);
    return { status: 'imported', file, format: scan.name, importId: out.importId, counts: out.counts, sightings: 0, services: out.services };
  }
  const format = resolved.format;
  if (format.name === 'nfdump' && !opts.lineByLine) {
    // DuckDB reads plain nfdump CSV itself; a file it refuses is read line by line below.
    const layout = nfdumpLayout(await headLines(file, 2), opts.tz);
    const blank = layout ? blankLineInside(file) : undefined;
    const fast =
      layout &&
      (await store.importFlowCsv(meta, file, layout, opts.match, async () => {
        if (await blank) throw new Error('blank line inside the file: line numbers would drift');
      }));
    if (!fast) await blank?.catch(() => undefined);
    if (fast)
      return { status: 'imported', file, format: format.name, importId: fast.importId, counts: fast.counts, sightings: fast.sightings, fast: true, timings: fast.timings };
  }
  const out = await store.importTelemetry(
    meta,
    (write) => readTelemetry(file, format, write, { tz: opts.tz }, { onProgress: opts.onProgress }),
    check,
    opts.match,
  );
  const services = await derivePassiveServices(store, out.importId);
  return { status: 'imported', file, format: format.name, importId: out.importId, counts: out.counts, sightings: out.sightings, services };
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
