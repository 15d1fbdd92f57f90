// The reader base: opens a file (gzip or plain), frames it into lines (line-framer.ts), runs one
// format's line parser over each line in isolation, and keeps the count and first examples of
// rejected lines (line-records.ts). A format's parser only turns one line into records; it never
// handles partial failure itself.
// Every line-based reader passes through here, so the input limits live here too (core/limits.ts):
// only regular files, a longest line, gzip bombs refused, a largest number of fields per line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { pipeline, Transform, type Readable } from 'node:stream';
import { BotcensusError } from './errors.js';
import { checkRegularFile, fsReason } from './input-files.js';
import { formatBytes, INFLATE_RATIO_AFTER, limits, type Limits } from './limits.js';
import { LineFramer } from './line-framer.js';
import { LineRecords, type ReadSummary, type RecordLineParser } from './line-records.js';
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

export type { ReadSummary, RecordLineParser, RejectedLine } from './line-records.js';

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
  let atStart = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // Only the new text is searched for a line end: a long line is not split again on every read.
      const searchFrom = Math.max(0, text.length - 1);
      text += utf8.write(chunk);
      // A byte-order mark is not part of the first line (as LineFramer reads it).
      if (atStart && text !== '') {
        text = text.replace(/^\uFEFF/, '');
        atStart = false;
      }
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

/**
 * The one loop every line-based reader runs: streams `path` through `parser` (see LineRecords),
 * handing records over in batches with their line numbers. Bad lines are counted and the first
 * few kept; the caller decides whether that fails the import.
 */
export async function readRecords<R extends { line?: number }>(
  path: string,
  parser: RecordLineParser<R>,
  onBatch: (records: R[]) => Promise<void> | void,
  opts: ReadOptions = {},
): Promise<ReadSummary> {
  const batchSize = opts.batchSize ?? 50_000;
  const lim = limits();
  const { stream, counter } = await openText(path, undefined, lim);
  const framer = new LineFramer(lim.maxLineBytes);
  const loop = new LineRecords(parser, lim, opts.maxExamples);
  let progressAt = PROGRESS_LINES;
  // The lines of one read (or of the end), each parsed alone; a full batch handed over.
  const take = async (n: number) => {
    for (let i = 0; i < n; ) {
      i = loop.take(framer.lines, framer, n, i, batchSize);
      if (loop.records.length >= batchSize) await onBatch(loop.drain());
    }
    if (opts.onProgress && loop.summary.lines >= progressAt) {
      opts.onProgress(counter());
      progressAt = loop.summary.lines + PROGRESS_LINES;
    }
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) await take(framer.push(chunk));
    await take(framer.end());
    loop.end();
  } catch (err) {
    stream.destroy();
    throw readFailed(path, err);
  }
  if (loop.records.length) await onBatch(loop.drain());
  opts.onProgress?.(counter());
  return loop.summary;
}

/** Lines read between two progress reports. */
const PROGRESS_LINES = 0x10000;

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
