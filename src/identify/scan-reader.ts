// The scan-reader base: the ScanFormat contract (mirroring TelemetryFormat), run by the same
// line loop as telemetry (readRecords), which isolates and counts bad lines.
import { basename } from 'node:path';
import { BotcensusError } from '../core/errors.js';
import { headLines, readRecords, type ReadOptions, type ReadSummary, type ReaderContext } from '../core/reader.js';
import type { ServiceObservation } from '../core/model/service.js';

export type ScanFormatName = 'zgrab2' | 'shodan' | 'censys';

/** Turns one line into observations; undefined for a framing line (header, comment). */
export interface ScanLineParser {
  parse(line: string, lineNo: number): ServiceObservation[] | undefined;
}

export interface ScanFormat {
  name: ScanFormatName;
  /** True if this format reads a file with this name whose first non-empty lines are `head`. */
  detect(fileName: string, head: string[]): boolean;
  create(ctx: ReaderContext): ScanLineParser;
}

/**
 * Streams `path` through `format`, handing observations over in batches. A line whose parser throws
 * is rejected alone (counted, the first few kept with line number and field); the caller decides
 * whether rejections fail the import.
 */
export async function readScanFile(
  path: string,
  format: ScanFormat,
  onBatch: (observations: ServiceObservation[]) => Promise<void> | void,
  ctx: Partial<ReaderContext> = {},
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  return readRecords(path, format.create({ file: path, fileName: basename(path), ...ctx }), onBatch, opts);
}

/** Reads a whole scan file into memory (small files and tests). */
export async function readScanFileAll(
  path: string,
  format: ScanFormat,
  ctx: Partial<ReaderContext> = {},
): Promise<{ observations: ServiceObservation[]; summary: ReadSummary }> {
  const observations: ServiceObservation[] = [];
  const summary = await readScanFile(path, format, (b) => void observations.push(...b), ctx);
  return { observations, summary };
}

/** The first format that recognises the file, or a BotcensusError('UNKNOWN_FORMAT'). */
export async function detectScanFormat(path: string, formats: readonly ScanFormat[]): Promise<ScanFormat> {
  const head = await headLines(path, 3);
  const name = basename(path);
  const found = formats.find((f) => f.detect(name, head));
  if (!found) throw new BotcensusError('UNKNOWN_FORMAT', 'not a zgrab2, Shodan or Censys scan file', { file: path });
  return found;
}
