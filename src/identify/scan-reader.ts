// The scan-reader base: the ScanFormat contract (mirroring TelemetryFormat) and the one loop that
// runs a format's line parser over a file, isolating bad lines and counting them like readTelemetry.
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { BotcensusError, FieldError } from '../core/errors.js';
import { headLines, openText, type ReadOptions, type ReadSummary, type ReaderContext } from '../telemetry/reader.js';
import type { ServiceObservation } from './service.js';

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
  const batchSize = opts.batchSize ?? 50_000;
  const maxExamples = opts.maxExamples ?? 10;
  const parser = format.create({ file: path, fileName: basename(path), ...ctx });
  const summary: ReadSummary = { lines: 0, records: 0, framing: 0, rejected: 0, examples: [] };
  let batch: ServiceObservation[] = [];
  const { stream, counter } = await openText(path);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) {
      const lineNo = ++summary.lines;
      if (opts.onProgress && (lineNo & 0xffff) === 0) opts.onProgress(counter());
      if (line.trim() === '') {
        summary.framing++;
        continue;
      }
      let out: ServiceObservation[] | undefined;
      try {
        out = parser.parse(line, lineNo);
      } catch (err) {
        summary.rejected++;
        if (summary.examples.length < maxExamples) {
          summary.examples.push({
            line: lineNo,
            field: err instanceof FieldError ? err.field : undefined,
            reason: (err as Error).message,
            raw: line.length > 200 ? line.slice(0, 200) + '…' : line,
          });
        }
        continue;
      }
      if (out === undefined) {
        summary.framing++;
        continue;
      }
      for (const o of out) {
        o.line = lineNo;
        batch.push(o);
      }
      summary.records += out.length;
      if (batch.length >= batchSize) {
        await onBatch(batch);
        batch = [];
      }
    }
  } catch (err) {
    if (err instanceof BotcensusError) throw err;
    throw new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  if (batch.length) await onBatch(batch);
  opts.onProgress?.(counter());
  return summary;
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
