// Imports one intel file (indicators or a warninglist) into the store, once per content hash.
import { BotcensusError } from '../core/errors.js';
import { sha256File } from '../core/hash.js';
import { importOnce } from '../store/imports.js';
import type { ImportRow, LineCounts, MatchOptions, Store } from '../store/store.js';
import { parseIntelFile, type IntelFormat } from './parse.js';
import { rescanPrefilteredFlows, type RescanReport } from '../telemetry/prefilter/flow-rescan.js';
import { enrichVictims } from '../enrich/enrich.js';
import { importStreamedIntel, streamedFormat } from './import-streamed.js';
import { checkIntelCounts } from './import-checks.js';
import { importIntel } from '../match/import.js';
import { notePrefilteredCovered } from '../store/prefiltered-files.js';

export interface IntelImportOptions {
  /** The name the import is recorded under (default: the path), e.g. an upload's original name. */
  name?: string;
  format?: IntelFormat;
  /** Who published it: "lumen", "cisa", ... (default: the file name). */
  source?: string;
  /** Family the indicators point at (default: the source). */
  family?: string;
  strict?: boolean;
  tz?: string;
  match: MatchOptions;
  /**
   * Scan the files of prefiltered flow imports again for flows near the new indicators (default
   * true): they were checked but not stored, and otherwise these indicators miss them.
   */
  rescan?: boolean;
  /** Bytes read by that scan, for a progress display. */
  onProgress?: (bytesRead: number) => void;
  /** STIX or MISP files larger than this many bytes are streamed into the store (default STREAM_INTEL_BYTES). */
  streamAbove?: number;
}

export type IntelImportResult =
  | {
      status: 'imported';
      file: string;
      format: string;
      importId: number;
      indicators: number;
      warnings: number;
      counts: LineCounts;
      sightings: number;
      retracted: number;
      /**
       * The prefiltered flow files read again before matching (see telemetry/prefilter/flow-rescan.ts); with
       * importIntelFiles, on the first file imported, for the indicators of all the files.
       */
      rescan?: RescanReport;
    }
  | { status: 'duplicate'; file: string; previous: ImportRow };

export async function importIntelFile(store: Store, file: string, opts: IntelImportOptions): Promise<IntelImportResult> {
  const streamed = await streamedFormat(file, opts);
  if (streamed) return importStreamedIntel(store, file, streamed, opts);
  const ready = await prepareIntelFile(store, file, opts);
  if (ready.status === 'duplicate') return ready;
  return commitIntelFile(store, ready, opts, await rescanFor(store, [ready], opts));
}

/**
 * Several files, each all or nothing: they are parsed and checked first, then the prefiltered
 * flow files are read again once for the indicators of them all (not once per file), then each is
 * imported. So that memory stays bounded, files holding more than a million indicators together
 * go in several such batches. `settle` hears each file's outcome (a failure as the error), in
 * order. A batch's read report comes with its first file imported.
 */
export async function importIntelFiles(
  store: Store,
  files: string[],
  opts: IntelImportOptions,
  settle: (file: string, outcome: IntelImportResult | Error) => void,
  batchRecords = BATCH_RECORDS,
): Promise<void> {
  let batch: { file: string; p: ReadyIntel | Duplicate | Error }[] = [];
  let held = 0;
  const importBatch = async () => {
    const rescan = await rescanFor(store, batch.flatMap((b) => (b.p instanceof Error || b.p.status !== 'ready' ? [] : [b.p])), opts);
    let reported = false;
    for (const { file, p } of batch) {
      if (p instanceof Error || p.status !== 'ready') {
        settle(file, p);
        continue;
      }
      try {
        const r = await commitIntelFile(store, p, opts, rescan);
        if (r.status === 'imported' && reported) delete r.rescan;
        if (r.status === 'imported') reported = true;
        settle(file, r);
      } catch (err) {
        settle(file, err as Error);
      }
    }
    batch = [];
    held = 0;
  };
  for (const file of files) {
    const streamed = await streamedFormat(file, opts);
    if (streamed) {
      // The files before it first, in their order; it is imported alone.
      await importBatch();
      settle(file, await importStreamedIntel(store, file, streamed, opts).catch((err: Error) => err));
      continue;
    }
    const p = await prepareIntelFile(store, file, opts).catch((err: Error) => err);
    batch.push({ file, p });
    if (!(p instanceof Error) && p.status === 'ready') held += p.parsed.indicators.length + p.parsed.warnings.length;
    if (held >= batchRecords) await importBatch();
  }
  await importBatch();
}

/** Indicators and warninglist entries importIntelFiles holds at once (about 1 GB at most). */
const BATCH_RECORDS = 1_000_000;

type Duplicate = Extract<IntelImportResult, { status: 'duplicate' }>;

/** A file parsed and checked, not yet imported. */
interface ReadyIntel {
  status: 'ready';
  file: string;
  sha256: string;
  parsed: Awaited<ReturnType<typeof parseIntelFile>>;
  kind: 'intel' | 'warninglist';
}

async function prepareIntelFile(store: Store, file: string, opts: IntelImportOptions): Promise<ReadyIntel | Duplicate> {
  const sha256 = await sha256File(file).catch((err: Error) => {
    throw err instanceof BotcensusError ? err : new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file });
  });
  const parsed = await parseIntelFile(file, opts.format ?? 'auto', { tz: opts.tz });
  const kind = parsed.format === 'warninglist' ? 'warninglist' : 'intel';
  const previous = await store.findImport(sha256, kind);
  if (previous) return { status: 'duplicate', file, previous };
  checkIntelCounts(file, parsed.counts, opts.strict ?? false);
  return { status: 'ready', file, sha256, parsed, kind };
}

/**
 * The flows near the new indicators that prefiltered imports dropped are stored first (their own
 * transaction: they belong to those imports whatever becomes of the intel), then matched with it.
 */
async function rescanFor(store: Store, ready: ReadyIntel[], opts: IntelImportOptions): Promise<RescanReport | undefined> {
  const indicators = ready.flatMap((r) => r.parsed.indicators);
  if (!indicators.length || opts.rescan === false) return undefined;
  return rescanPrefilteredFlows(store, indicators, { onProgress: opts.onProgress, graceMs: opts.match.graceMs });
}

async function commitIntelFile(store: Store, p: ReadyIntel, opts: IntelImportOptions, rescan?: RescanReport): Promise<IntelImportResult> {
  // The same bytes may have come earlier in the same batch.
  const previous = await store.findImport(p.sha256, p.kind);
  if (previous) return { status: 'duplicate', file: p.file, previous };
  const { file, parsed } = p;
  const { counts } = parsed;
  const source = opts.source ?? (opts.name ?? file).replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  const meta = { kind: p.kind, format: parsed.format, file: opts.name ?? file, sha256: p.sha256, source };
  const done = await importOnce(
    store.driver,
    p.sha256,
    p.kind,
    async () => ({ out: await importIntel(store, { meta, counts, indicators: parsed.indicators, warnings: parsed.warnings, family: opts.family }, opts.match) }),
    (previous) => ({ previous }),
  );
  if ('previous' in done) return { status: 'duplicate', file, previous: done.previous };
  const { out } = done;
  // The files read again for these indicators (with those of the whole batch), or with nothing to read, now cover them.
  if (rescan) await notePrefilteredCovered(store.driver, rescan.covered, out.importId);
  // Indicators matched against stored telemetry can bring victims nobody has enriched yet.
  if (out.sightings && !opts.match.deferEnrich) await enrichVictims(store);
  return {
    status: 'imported',
    file,
    format: parsed.format,
    importId: out.importId,
    indicators: parsed.indicators.length,
    warnings: parsed.warnings.length,
    counts,
    sightings: out.sightings,
    retracted: out.retracted,
    rescan,
  };
}
