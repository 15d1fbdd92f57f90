// The reader base: opens a file (gzip or plain), frames it into lines, runs one format's line
// parser over each line in isolation, and keeps the count and first examples of rejected lines.
// A format's parser only turns one line into records; it never handles partial failure itself.
// Every line-based reader passes through here, so the input limits live here too (core/limits.ts):
// only regular files, a longest line, gzip bombs refused, a largest number of fields per line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { pipeline, Transform, type Readable } from 'node:stream';
import { BotcensusError, FieldError } from './errors.js';
import { checkRegularFile, fsReason } from './input-files.js';
import { formatBytes, INFLATE_RATIO_AFTER, limits, type Limits } from './limits.js';
import { printable, printableBytes } from './printable.js';
import { LineFramer } from './line-framer.js';
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

/** Whether the file starts with the gzip magic bytes. Only a regular file is opened (a FIFO would block). */
export async function isGzip(path: string): Promise<boolean> {
  await checkRegularFile(path);
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
    throw new BotcensusError('UNREADABLE', `cannot open: ${fsReason(err)}`, { file: path }, { cause: err });
  }
  return magic[0] === 0x1f && magic[1] === 0x8b;
}

/**
 * Opens a regular file as a byte stream, gunzipping when it starts with the gzip magic bytes. A
 * gzip file that inflates past BOTCENSUS_MAX_INFLATED_BYTES, or more than BOTCENSUS_MAX_INFLATE_RATIO
 * times the compressed bytes gunzip has used, ends the stream with a plain error as soon as it does.
 */
export async function openText(path: string, readSize = 1 << 20, lim: Limits = limits()): Promise<{ stream: Readable; counter: () => number }> {
  const gz = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: readSize });
  const counter = () => raw.bytesRead;
  if (!gz) return { stream: raw, counter };
  // The ratio is measured against the compressed bytes gunzip has consumed (bytesWritten), not
  // those read ahead of it, so that a bomb is stopped as soon as it shows.
  const gunzip = createGunzip();
  const guarded = inflateGuard(path, () => gunzip.bytesWritten, lim);
  pipeline(raw, gunzip, guarded, () => undefined);
  return { stream: guarded, counter };
}

/** Passes inflated bytes on while they stay within the limits; fails the stream once they do not. */
function inflateGuard(file: string, compressed: () => number, lim: Limits): Transform {
  let out = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      out += chunk.length;
      if (out > lim.maxInflatedBytes)
        return done(new BotcensusError('UNREADABLE', `gzip file inflates past ${formatBytes(lim.maxInflatedBytes)} (BOTCENSUS_MAX_INFLATED_BYTES): refused`, { file }));
      const ratio = out / Math.max(1, compressed());
      if (out > INFLATE_RATIO_AFTER && ratio > lim.maxInflateRatio)
        return done(
          new BotcensusError(
            'UNREADABLE',
            `gzip file inflates more than ${lim.maxInflateRatio} times its compressed size (${Math.round(ratio)}:1 after ${formatBytes(out)}; BOTCENSUS_MAX_INFLATE_RATIO): refused as a possible gzip bomb`,
            { file },
          ),
        );
      done(null, chunk);
    },
  });
}

/** A line longer than BOTCENSUS_MAX_LINE_BYTES, as a rejected line. */
export function overlongLine(lineNo: number, framer: LineFramer, i: number): RejectedLine {
  return {
    line: lineNo,
    reason: `line longer than ${formatBytes(framer.maxLineBytes)} (${framer.tooLong[i]} bytes; BOTCENSUS_MAX_LINE_BYTES): rejected`,
    raw: printableBytes(framer.rawBytes(i), RAW_MAX),
  };
}

/**
 * A delimited line with more than BOTCENSUS_MAX_FIELDS fields, as a reason: tab-separated when it
 * holds a tab (Zeek, TSV: commas there separate set members), comma-separated otherwise. JSON
 * lines are bounded by their length.
 */
export function tooManyFields(line: string, maxFields: number): string | undefined {
  // A line shorter than the limit cannot hold more fields: nothing to count.
  if (line.length < maxFields) return undefined;
  const c = line.charCodeAt(0);
  if (c === 0x7b || c === 0x5b) return undefined;
  const sep = line.indexOf('\t') >= 0 ? 0x09 : 0x2c;
  let n = 1;
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === sep) n++;
  return n > maxFields ? `more than ${maxFields} fields (${n}; BOTCENSUS_MAX_FIELDS): rejected` : undefined;
}

/** Longest raw line kept in a rejected line's report, in characters. */
const RAW_MAX = 200;

/**
 * Yields the lines of a text file (gzip accepted), without line terminators. A line longer than
 * BOTCENSUS_MAX_LINE_BYTES or with more than BOTCENSUS_MAX_FIELDS fields is handed to `onRejected`
 * and yielded as an empty line, so that the lines after it keep their numbers.
 */
export async function* readLines(path: string, onRejected: (r: RejectedLine) => void = () => undefined): AsyncGenerator<string> {
  const lim = limits();
  const { stream } = await openText(path, undefined, lim);
  const framer = new LineFramer(lim.maxLineBytes);
  let lineNo = 0;
  function* take(n: number): Generator<string> {
    for (let i = 0; i < n; i++) {
      lineNo++;
      const text = framer.lines[i];
      const wide = text === undefined ? undefined : tooManyFields(text, lim.maxFields);
      if (text === undefined) onRejected(overlongLine(lineNo, framer, i));
      else if (wide) onRejected({ line: lineNo, reason: wide, raw: printableBytes(framer.rawBytes(i), RAW_MAX) });
      yield text === undefined || wide ? '' : text;
    }
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield* take(framer.push(chunk));
  } catch (err) {
    throw readFailed(path, err);
  }
  yield* take(framer.end());
}

function readFailed(path: string, err: unknown): BotcensusError {
  if (err instanceof BotcensusError) return err;
  return new BotcensusError('UNREADABLE', `read failed: ${(err as Error).message}`, { file: path }, { cause: err });
}

/** The first `n` non-empty lines of a file, for format detection; a line past the line limit is cut there. */
export async function headLines(path: string, n = 5): Promise<string[]> {
  // Small reads, split here, and the stream closed once the lines are in: a line reader would be
  // handed 1 MiB reads (some 12,000 lines for the few wanted) and could read on after it is left.
  const lim = limits();
  const { stream } = await openText(path, 64 << 10, lim);
  const out: string[] = [];
  const utf8 = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // Only the new text is searched for a line end: a long line is not split again on every read.
      const searchFrom = Math.max(0, text.length - 1);
      text += utf8.write(chunk);
      if (!/[\r\n]/.test(text.slice(searchFrom))) {
        // An unfinished line past the limit: what there is of it is the head line, and reading stops.
        if (text.length > lim.maxLineBytes) {
          if (text.trim() !== '') out.push(text.slice(0, lim.maxLineBytes));
          return out;
        }
        continue;
      }
      // The line ends readline knows: \n, \r\n, a lone \r (one split across reads gives a blank line).
      const lines = text.split(/\r?\n|\r/);
      text = lines.pop()!;
      for (const line of lines) if (line.trim() !== '' && out.length < n) out.push(line.length > lim.maxLineBytes ? line.slice(0, lim.maxLineBytes) : line);
      if (out.length >= n) return out;
    }
  } catch (err) {
    throw readFailed(path, err);
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
  const lim = limits();
  const { stream, counter } = await openText(path, undefined, lim);
  const framer = new LineFramer(lim.maxLineBytes);
  let batch: R[] = [];
  const reject = (lineNo: number, reason: string, field: string | undefined, i: number) => {
    summary.rejected++;
    if (summary.examples.length < maxExamples)
      summary.examples.push({ line: lineNo, field: field === undefined ? undefined : printable(field), reason: printable(reason, 1000), raw: printableBytes(framer.rawBytes(i), RAW_MAX) });
  };
  // The lines of one read (or of the end), each parsed alone.
  const take = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const lineNo = ++summary.lines;
      if (opts.onProgress && (lineNo & 0xffff) === 0) opts.onProgress(counter());
      const line = framer.lines[i];
      if (line === undefined) {
        const long = overlongLine(lineNo, framer, i);
        summary.rejected++;
        if (summary.examples.length < maxExamples) summary.examples.push(long);
        continue;
      }
      if (line.length === 0 || line.trim() === '') {
        summary.framing++;
        continue;
      }
      const wide = tooManyFields(line, lim.maxFields);
      if (wide) {
        reject(lineNo, wide, undefined, i);
        continue;
      }
      let out: R | R[] | undefined;
      try {
        out = parser.parse(line, lineNo);
      } catch (err) {
        reject(lineNo, (err as Error).message, err instanceof FieldError ? err.field : undefined, i);
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
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) await take(framer.push(chunk));
    await take(framer.end());
  } catch (err) {
    stream.destroy();
    throw readFailed(path, err);
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
