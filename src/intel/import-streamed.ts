// Imports a STIX bundle or MISP file too large to hold: its indicators go into the store in
// batches as the file is read, inside the import's one transaction, so the import is still all or
// nothing and memory stays bounded by the largest object, not the file. The store folds repeated
// indicators once the file is all in. Prefiltered flow files are read again after the import, the
// way `imports rescan` catches them up, since the new indicators are never all in memory at once.
import { stat } from 'node:fs/promises';
import { BotcensusError } from '../core/errors.js';
import { sha256File } from '../core/hash.js';
import { printable } from '../core/printable.js';
import { headLines, isGzip } from '../core/reader.js';
import { importedMeanwhile } from '../store/imports.js';
import type { LineCounts, Store } from '../store/store.js';
import { rescanPrefilteredFlows } from '../telemetry/prefilter/flow-rescan.js';
import type { IntelImportOptions, IntelImportResult } from './import.js';
import { readJsonIntel, type JsonIntelFormat } from './json-intel.js';
import { inFile, looksLikeJson, safeRejected } from './parse.js';
import { checkIntelCounts } from './import-checks.js';
import { enrichVictims } from '../enrich/enrich.js';
import { importIntel } from '../match/import.js';

/** JSON intel files larger than this on disk are streamed into the store instead of held. */
export const STREAM_INTEL_BYTES = 64 << 20;

/** What a gzipped JSON intel file is taken to inflate to, per compressed byte. */
const GZIP_JSON_RATIO = 16;

/** Objects or events read between two writes to the store. */
const BATCH_ITEMS = 20_000;

/** The streamed format of `file`, or undefined when it is to be held (small, or not STIX/MISP JSON). */
export async function streamedFormat(file: string, opts: IntelImportOptions): Promise<JsonIntelFormat | 'auto' | undefined> {
  const format = opts.format ?? 'auto';
  if (format !== 'auto' && format !== 'stix' && format !== 'misp') return undefined;
  const size = await stat(file).then((s) => s.size).catch(() => 0);
  // JSON gzips 10 to 20 times smaller: a compressed file is judged by what it inflates to, about.
  const inflated = size * ((await isGzip(file).catch(() => false)) ? GZIP_JSON_RATIO : 1);
  if (inflated <= (opts.streamAbove ?? STREAM_INTEL_BYTES)) return undefined;
  if (format === 'auto' && !looksLikeJson(await headLines(file, 1).catch(() => []))) return undefined;
  return format;
}

export async function importStreamedIntel(store: Store, file: string, format: JsonIntelFormat | 'auto', opts: IntelImportOptions): Promise<IntelImportResult> {
  const sha256 = await sha256File(file).catch((err: Error) => {
    throw err instanceof BotcensusError ? err : new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file });
  });
  const previous = await store.findImport(sha256, 'intel');
  if (previous) return { status: 'duplicate', file, previous };
  const source = opts.source ?? (opts.name ?? file).replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  // The format shows once reading starts; the imports row is written after the feed.
  const meta = { kind: 'intel' as const, format: format === 'auto' ? 'stix' : format, file: opts.name ?? file, sha256, source };
  const counts: LineCounts = { lines: 0, records: 0, framing: 0, rejected: 0, duplicates: 0, examples: [], skipped: [] };
  const reject = (rejected: { line: number; field?: string; reason: string; raw: string }[]) => {
    counts.rejected += rejected.length;
    for (const r of rejected) if (counts.examples.length < 10) counts.examples.push(safeRejected(r));
  };
  let out;
  try {
    out = await importIntel(
      store,
      {
        meta,
        counts,
        indicators: [],
        warnings: [],
        family: opts.family,
        feed: async (write) => {
          const rest = await readJsonIntel(file, format, {
            batch: BATCH_ITEMS,
            write: async (read) => {
              reject(read.rejected);
              counts.records += read.indicators.length;
              await write(read.indicators);
            },
          });
          if (rest.format === 'warninglist') throw new BotcensusError('BAD_INPUT', `a MISP warninglist over ${STREAM_INTEL_BYTES >> 20} MiB is not read`, { file });
          meta.format = rest.format;
          reject(rest.rejected);
          counts.records += rest.indicators.length;
          await write(rest.indicators);
          counts.skipped = rest.skipped.map((s) => ({ ...s, sample: printable(s.sample), reason: printable(s.reason) }));
          return counts;
        },
        check: (c) => checkIntelCounts(file, c, opts.strict ?? false),
      },
      opts.match,
    );
  } catch (err) {
    const previous = await importedMeanwhile(store.driver, err, sha256, 'intel');
    if (previous) return { status: 'duplicate', file, previous };
    throw inFile(err, file);
  }
  const rescan = opts.rescan === false ? undefined : await rescanPrefilteredFlows(store, [], { onProgress: opts.onProgress, graceMs: opts.match.graceMs });
  // Indicators matched against stored telemetry can bring victims nobody has enriched yet.
  if (out.sightings && !opts.match.deferEnrich) await enrichVictims(store);
  // The store folded repeats once the file was all in: its counts are the imports row's.
  const folded = await store.findImport(sha256, 'intel');
  return {
    status: 'imported',
    file,
    format: meta.format,
    importId: out.importId,
    indicators: folded?.records ?? counts.records,
    warnings: 0,
    counts: folded ? { ...counts, records: folded.records, duplicates: folded.duplicates } : counts,
    sightings: out.sightings,
    retracted: out.retracted,
    rescan,
  };
}
