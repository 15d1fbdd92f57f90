// Retroactive matching for prefiltered flows. `ingest --prefilter` stores only the flows near the
// indicators known at the time; indicators imported later may point at flows it checked and
// dropped. Before such an intel import matches, each prefiltered import's file is read again,
// where it was, for the flows near the networks the new indicators add (core/flow-near.ts: /24s, IPv6 /48s) (a plain nfdump CSV by the
// prefilter's scan, any other by the line reader), and those join that import's flows (lines
// stored already stay as they are). The intel import then matches the new indicators against the
// stored flows as it always does, so the sightings are those a store of every flow would give. A
// Parquet file is read again by DuckDB, for the rows near those networks. A file that moved or
// changed is named in the report instead.
//
// Each file remembers the newest intel import it covers (PrefilteredFile.coveredThrough). One that
// could not be read, or was passed over by --no-rescan, lags behind: the next read (an intel
// import, or `imports rescan`) is for the networks of the indicators it missed too, and its import's
// sightings through them are matched again. Indicators whose windows miss the file's span of start
// times cannot match any of its flows, so they need no read.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotcensusError } from '../../core/errors.js';
import { sha256File } from '../../core/hash.js';
import type { IndicatorRecord } from '../../core/model/indicator.js';
import { flowNear, NearNets } from './near-nets.js';
import type { FlowCsvLayout, PrefilteredCover, PrefilteredImport, Store, TimeSpan } from '../../store/store.js';
import { fileSource, prefilterFlowCsv } from './flow-prefilter.js';
import { indicatorNets } from './indicator-nets.js';
import { readKeptFlows } from './kept-flows.js';
import { ingestFormatByName } from '../formats.js';
import { readTelemetry } from '../../core/reader.js';
import type { TelemetryRecord } from '../../core/model/telemetry.js';
import { addPrefilteredRecords, coverPrefiltered } from '../../match/import.js';
import { withParquetReader } from '../../store/duckdb/parquet-reader.js';
import { movePrefilteredFile, notePrefilteredCovered, prefilteredImports } from '../../store/prefiltered-files.js';

interface Progress {
  onProgress?: (bytes: number) => void;
}

export interface RescanReport {
  /** Files read again. */
  files: number;
  /** Flows those reads added to their imports. */
  flows: number;
  /**
   * The imports whose stored flows now hold every flow near the indicators, read again or with
   * nothing to read for (no new network, or no window meeting the file's span): covered through the
   * new indicators once these are stored (notePrefilteredCovered).
   */
  covered: number[];
  /** Prefiltered imports whose dropped flows the new indicators could not be matched against, and why. */
  skipped: { importId: number; file: string; reason: string }[];
  ms: number;
}

/**
 * Reads the stored prefiltered imports' files again for the flows near `indicators` (about to be
 * imported; none for a catch-up alone) that no indicator the file was read for was near, and adds
 * them to their imports' flows. A file that lags behind the stored indicators (it could not be
 * read for them, or they came with --no-rescan) is read for theirs too, and its import's
 * sightings through them are matched again.
 */
export async function rescanPrefilteredFlows(
  store: Store,
  indicators: readonly IndicatorRecord[],
  opts: Progress & { graceMs: number },
): Promise<RescanReport> {
  const t0 = performance.now();
  const report: RescanReport = { files: 0, flows: 0, covered: [], skipped: [], ms: 0 };
  const imports = (await prefilteredImports(store.driver)).filter((i) => i.prefiltered > 0);
  const through = imports.length ? await store.lastIndicatorImport() : 0;
  // An import whose file is not recorded (from an older botcensus) is not read again: it has no cover of its own.
  const coverOf = (imp: PrefilteredImport) => imp.source?.coveredThrough ?? through;
  // The networks of the indicators a file was read for: the same for the files sharing a cover
  // (most do), worked out once (2 MiB each).
  let known: { from: number; nets: NearNets } | undefined;
  // The new indicators' networks: once for all files when none has a window (the usual list), else per file's span.
  const unwindowed = indicators.every((r) => r.firstSeen === undefined && r.lastSeen === undefined) ? detectionNets(indicators) : undefined;
  const freshNets = (during?: TimeSpan & { graceMs: number }) => unwindowed ?? detectionNets(indicators, during);
  const upToDate: number[] = [];
  for (const imp of imports.sort((a, b) => coverOf(a) - coverOf(b) || a.importId - b.importId)) {
    const from = coverOf(imp);
    if (known?.from !== from) known = { from, nets: await indicatorNets(store.driver, { through: from }) };
    const during = imp.source?.span && { ...imp.source.span, graceMs: opts.graceMs };
    const nets = await netsToRead(store, freshNets(during), { from, through, during }, known.nets);
    if (!nets) {
      // Every flow near the indicators it missed (if any) is stored, or none is in their windows.
      upToDate.push(imp.importId);
      continue;
    }
    const why = await unavailable(imp);
    if (why) {
      report.skipped.push({ importId: imp.importId, file: imp.file, reason: why });
      continue;
    }
    const { path, read } = imp.source!;
    const cover = { from, through, graceMs: opts.graceMs };
    try {
      if (read.reader === 'parquet')
        report.flows += store.files
          ? await store.files.addPrefilteredParquet(imp.importId, path, read, { v4: nets.v4.runs(), v6: [...nets.v6.runs()] }, coverPrefiltered(store.driver, imp.importId, cover))
          : await withParquetReader((reader) =>
              addPrefilteredRecords(store.driver, imp.importId, (write) => reader.readFlows(path, read, (records) => write(records.filter((r) => flowNear(nets, r)))), cover),
            );
      else {
        const byLine = () => readAgain(store, imp.importId, path, read.reader === 'scan' ? { format: 'nfdump', tz: read.tz } : read, nets, cover, opts);
        // A line near the new indicators that the engine or the nfdump parser refuses: the line reader takes the file, as at import.
        report.flows += await (read.reader === 'scan' ? scanAgain(store, imp.importId, path, read, nets, cover, opts).catch(byLine) : byLine());
      }
      report.files++;
      report.covered.push(imp.importId);
    } catch (err) {
      report.skipped.push({ importId: imp.importId, file: imp.file, reason: `reading ${path} again failed: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  await notePrefilteredCovered(store.driver, upToDate, through);
  report.covered.push(...upToDate);
  report.ms = performance.now() - t0;
  return report;
}

/**
 * The networks a file covered through import `from` is to be read for: `fresh` (the new indicators'
 * whose windows meet the file's span) and those of the indicators stored since `from` (up to
 * `through`) whose windows do, less those `known` holds (every flow near these was stored
 * already). Undefined when there are none.
 */
async function netsToRead(
  store: Store,
  fresh: NearNets,
  which: { from: number; through: number; during?: TimeSpan & { graceMs: number } },
  known: NearNets,
): Promise<NearNets | undefined> {
  const { from, through, during } = which;
  const nets = new NearNets();
  nets.add(fresh);
  if (from < through) nets.add(await indicatorNets(store.driver, { after: from, through, during }));
  if (nets.isEmpty()) return undefined;
  nets.remove(known);
  return nets.isEmpty() ? undefined : nets;
}

/**
 * A plain nfdump CSV: the prefilter's scan, with the new networks only; the lines it keeps loaded
 * by the engine where it reads files itself, else parsed by the nfdump parser.
 */
async function scanAgain(
  store: Store,
  importId: number,
  path: string,
  read: { layout: FlowCsvLayout; tz?: string },
  nets: NearNets,
  cover: PrefilteredCover,
  opts: Progress,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'botcensus-rescan-'));
  try {
    const kept = await prefilterFlowCsv(path, read.layout, nets, dir, { onProgress: opts.onProgress });
    if (store.files) return await store.files.addPrefilteredFlows(importId, kept, read.layout, coverPrefiltered(store.driver, importId, cover));
    return await addPrefilteredRecords(store.driver, importId, (write) => readKeptFlows(path, kept, { tz: read.tz }, write), cover);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Any other flow file (gzipped, another format, or one with a line the scan could not take): the line reader. */
async function readAgain(
  store: Store,
  importId: number,
  path: string,
  read: { format: string; tz?: string },
  nets: NearNets,
  cover: PrefilteredCover,
  opts: Progress,
): Promise<number> {
  const f = ingestFormatByName(read.format);
  if (f.kind !== 'telemetry') throw new Error(`${read.format} is not a telemetry format`);
  const near = (records: TelemetryRecord[]) => records.filter((r) => r.kind === 'flow' && flowNear(nets, r));
  return addPrefilteredRecords(store.driver, importId, (write) => readTelemetry(path, f.format, (records) => write(near(records)), { tz: read.tz }, { onProgress: opts.onProgress }), cover);
}

/**
 * Records that the file of prefiltered import `importId` is now at `path`, once its bytes are
 * checked to be the imported ones (SHA-256), so that it can be read again there.
 */
export async function movePrefilteredImport(store: Store, importId: number, path: string): Promise<void> {
  const imp = (await prefilteredImports(store.driver)).find((i) => i.importId === importId);
  if (!imp) throw new BotcensusError('USAGE', `import #${importId} is not a prefiltered flow import (botcensus imports lists them)`);
  if (!imp.source) throw new BotcensusError('USAGE', `import #${importId} (${imp.file}) cannot be read again: where its file was is not recorded (imported by an older botcensus)`);
  const sha256 = await sha256File(path).catch((err: Error) => {
    throw new BotcensusError('UNREADABLE', `cannot read: ${err.message}`, { file: path });
  });
  if (sha256 !== imp.sha256) throw new BotcensusError('BAD_INPUT', `not the file of import #${importId} (${imp.file}): its SHA-256 differs`, { file: path });
  await movePrefilteredFile(store.driver, importId, await fileSource(path));
}

/**
 * The networks near the detection address indicators among `indicators`; with `during`, only of
 * those whose windows (widened by its grace, as matching widens them) meet its span.
 */
function detectionNets(indicators: readonly IndicatorRecord[], during?: TimeSpan & { graceMs: number }): NearNets {
  const nets = new NearNets();
  for (const r of indicators) {
    if (!r.forDetection || (r.type !== 'ip' && r.type !== 'cidr' && r.type !== 'ip-port')) continue;
    if (during && ((r.firstSeen ?? -Infinity) - during.graceMs > during.to || (r.lastSeen ?? Infinity) + during.graceMs < during.from)) continue;
    if (r.lo !== undefined && r.hi !== undefined) nets.addAddressRange(r.lo, r.hi);
  }
  return nets;
}

/** Why a prefiltered import's file cannot be read again, if it cannot. */
async function unavailable(imp: PrefilteredImport): Promise<string | undefined> {
  const src = imp.source;
  if (!src) return 'where its file was is not recorded (imported by an older botcensus), so it cannot be read again';
  const st = await stat(src.path).catch(() => undefined);
  if (!st) return `no longer at ${src.path}`;
  if (st.size !== src.size) return `${src.path} changed since it was imported (its size)`;
  // Touched but maybe the same bytes: the hash decides.
  if (st.mtimeMs !== src.mtimeMs && (await sha256File(src.path).catch(() => '')) !== imp.sha256) return `${src.path} changed since it was imported`;
  return undefined;
}
