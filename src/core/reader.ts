// The reader base: opens a file (gzip or plain), frames it into lines, runs one format's line
// parser over each line in isolation, and keeps the count and first examples of rejected lines.
// A format's parser only turns one line into records; it never handles partial failure itself.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { BotcensusError, FieldError } from './errors.js';
import type { TelemetryRecord } from './model/telemetry.js';

export type TelemetryFormatName =
  | 'nfdump'
  | 'goflow2'
  | 'argus'
  | 'zeek'
  | 'suricata'
  | 'shadowserver'
  | 'parquet'
  | 'zgrab2';

export interface ReaderContext {
  /** Path as the user gave it, for messages. */
  file: string;
  /** Base name, which some formats read (Shadowserver's report type). */
  fileName: string;
  /** UTC offset for times written without a zone ("+02:00"); UTC when absent. */
  tz?: string;
}

/** Turns one line into records. Returns undefined for a line that is framing (header, comment). */
export interface LineParser {
  parse(line: string, lineNo: number): TelemetryRecord | TelemetryRecord[] | undefined;
}

export interface TelemetryFormat {
  name: TelemetryFormatName;
  /** True if this format reads a file with this name whose first non-empty lines are `head`. */
  detect(fileName: string, head: string[]): boolean;
  /** A fresh parser for one file (it may keep header state). */
  create(ctx: ReaderContext): LineParser;
}

export interface RejectedLine {
  line: number;
  field?: string;
  reason: string;
  /** The line as read, cut to 200 characters. */
  raw: string;
}

export interface ReadSummary {
  /** Lines read, including framing lines. */
  lines: number;
  /** Records produced. */
  records: number;
  /** Framing lines (headers, comments, blank). */
  framing: number;
  rejected: number;
  /** The first rejected lines, at most `maxExamples`. */
  examples: RejectedLine[];
}

export interface ReadOptions {
  /** Records handed over per batch. */
  batchSize?: number;
  maxExamples?: number;
  /** Called every so many lines with the bytes read so far, for progress displays. */
  onProgress?: (bytesRead: number) => void;
}

/** Whether the file starts with the gzip magic bytes. */
export async function isGzip(path: string): Promise<boolean> {
  let magic: Buffer;
  try {
    const fh = await open(path, 'r');
    try {
      magic = Buffer.alloc(2);
      await fh.read(magic, 0, 2, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `cannot open: ${(err as Error).message}`, { file: path }, { cause: err });
  }
  return magic[0] === 0x1f && magic[1] === 0x8b;
}

/** Opens a file as a text stream, gunzipping when it starts with the gzip magic bytes. */
export async function openText(path: string, readSize = 1 << 20): Promise<{ stream: Readable; counter: () => number }> {
  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: readSize });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  return { stream, counter: () => raw.bytesRead };
}

/** Yields the lines of a text file (gzip accepted), without line terminators. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const { stream } = await openText(path);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
  }
}

/** The first `n` non-empty lines of a file, for format detection. */
export async function headLines(path: string, n = 5): Promise<string[]> {
  // Small reads, split here, and the stream closed once the lines are in: a line reader would be
  // handed 1 MiB reads (some 12,000 lines for the few wanted) and could read on after it is left.
  const { stream } = await openText(path, 64 << 10);
  const out: string[] = [];
  const utf8 = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += utf8.write(chunk);
      // The line ends readline knows: \n, \r\n, a lone \r (one split across reads gives a blank line).
      const lines = text.split(/\r?\n|\r/);
      text = lines.pop()!;
      for (const line of lines) if (line.trim() !== '' && out.length < n) out.push(line);
      if (out.length >= n) return out;
    }
  } catch (err) {
    throw new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
  } finally {
    stream.destroy();
  }
  if (text.trim() !== '' && out.length < n) out.push(text);
  return out;
}

/** A line parser of any record type: what the loop below needs. */
export interface RecordLineParser<R extends { line?: number }> {
  parse(line: string, lineNo: number): R | R[] | undefined;
}

/**
 * The one loop every line-based reader runs: streams `path` through `parser`, handing records over
 * in batches with their line numbers. Bad lines are counted and the first few kept; the caller
 * decides whether that fails the import.
 */
export async function readRecords<R extends { line?: number }>(
  path: string,
  parser: RecordLineParser<R>,
  onBatch: (records: R[]) => Promise<void> | void,
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  const batchSize = opts.batchSize ?? 50_000;
  const maxExamples = opts.maxExamples ?? 10;
  const summary: ReadSummary = { lines: 0, records: 0, framing: 0, rejected: 0, examples: [] };
  const { stream, counter } = await openText(path);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let batch: R[] = [];
  try {
    for await (const line of rl) {
      const lineNo = ++summary.lines;
      if (opts.onProgress && (lineNo & 0xffff) === 0) opts.onProgress(counter());
      if (line.length === 0 || line.trim() === '') {
        summary.framing++;
        continue;
      }
      let out: R | R[] | undefined;
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
      if (out === undefined) summary.framing++;
      else if (Array.isArray(out)) {
        for (const r of out) {
          r.line = lineNo;
          batch.push(r);
        }
        summary.records += out.length;
      } else {
        out.line = lineNo;
        batch.push(out);
        summary.records++;
      }
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

/** Streams `path` through a telemetry `format` (see readRecords). */
export async function readTelemetry(
  path: string,
  format: TelemetryFormat,
  onBatch: (records: TelemetryRecord[]) => Promise<void> | void,
  ctx: Partial<ReaderContext> = {},
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  return readRecords(path, format.create({ file: path, fileName: basename(path), ...ctx }), onBatch, opts);
}
