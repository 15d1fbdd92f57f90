// Per-line isolation, written once for every line-based reader (telemetry, scans, intel): each
// framed line goes through one format's parser alone; a line the parser throws on, or one past
// the line or field limits, is counted as rejected and its first examples kept, and reading goes
// on. A parser only turns one line (or one record spanning lines) into records.
import { BotcensusError, FieldError } from './errors.js';
import { LineFramer } from './line-framer.js';
import { formatBytes, limits, type Limits } from './limits.js';
import { printable, printableBytes } from './printable.js';

/**
 * Returned by a parser for a line that opens a record which goes on over the next lines (a quoted
 * CSV cell holding a line break). The lines that follow are handed to it joined with "\n" and
 * numbered by the first, until it returns anything else; a record still open after
 * MAX_RECORD_LINES lines, at a rejected line or at the end of input never closed, and its first
 * line goes to the parser's `unclosed`, the others through the parser again, one by one.
 */
export const OPEN_RECORD: unique symbol = Symbol('open record');

/** Most lines one record may span before it is taken for a stray quote. */
export const MAX_RECORD_LINES = 20;

/** Turns one line into records. Returns undefined for a line that is framing (header, comment, prose). */
export interface RecordLineParser<R extends { line?: number }> {
  /** Throwing rejects the line (a FieldError names its field); a BotcensusError fails the whole file. */
  parse(line: string, lineNo: number): R | R[] | undefined | typeof OPEN_RECORD;
  /** For a parser that opens records: the first line of one that never closed, read alone. */
  unclosed?(line: string, lineNo: number): R | R[] | undefined;
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
  /** Framing lines (headers, comments, blank, the further lines of a record spanning lines). */
  framing: number;
  rejected: number;
  /** The first rejected lines, at most `maxExamples`. */
  examples: RejectedLine[];
}

/** Where a line's bytes are had again, for a rejected line's report: a LineFramer, or one held line. */
export interface RawLines {
  rawBytes(i: number): Buffer;
  /** For a line over the line limit (same index): its length in bytes. */
  readonly tooLong?: number[];
}

/** Longest raw line kept in a rejected line's report, in characters. */
const RAW_MAX = 200;

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

/** One held line, as RawLines. */
const held = (b: Buffer): RawLines => ({ rawBytes: () => b });

/** The records, counts and rejected lines of one file, fed the framed lines in order. */
export class LineRecords<R extends { line?: number }> {
  readonly summary: ReadSummary = { lines: 0, records: 0, framing: 0, rejected: 0, examples: [] };
  /** Records read and not yet taken (see `drain`). */
  records: R[] = [];
  /** A record spanning lines, not closed yet: its lines and their bytes. */
  private open: { from: number; lines: string[]; raws: Buffer[] } | undefined;

  constructor(
    private readonly parser: RecordLineParser<R>,
    private readonly limits: { maxLineBytes: number; maxFields: number },
    private readonly maxExamples = 10,
  ) {}

  /**
   * The next lines, numbered on from the last: their text (undefined for a line past the line
   * limit) in `lines` from index `from` to `n`, their bytes in `raw` (a LineFramer after a push
   * gives both). Stops after the line that brings `batchSize` records, and returns where it stopped.
   */
  take(lines: readonly (string | undefined)[], raw: RawLines, n: number, from = 0, batchSize = Infinity): number {
    let i = from;
    while (i < n) {
      this.line(lines[i], ++this.summary.lines, raw, i);
      i++;
      if (this.records.length >= batchSize) break;
    }
    return i;
  }

  /** After the last line: a record still open never closed. */
  end(): void {
    this.closeUnclosed();
  }

  /** The records read so far, handed over once. */
  drain(): R[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  private line(text: string | undefined, lineNo: number, raw: RawLines, i: number): void {
    if (text === undefined) {
      this.closeUnclosed();
      const len = raw.tooLong?.[i] ?? 0;
      return this.reject(lineNo, `line longer than ${formatBytes(this.limits.maxLineBytes)} (${len} bytes; BOTCENSUS_MAX_LINE_BYTES): rejected`, undefined, raw, i);
    }
    const blank = text.length === 0 || text.trim() === '';
    const wide = blank ? undefined : tooManyFields(text, this.limits.maxFields);
    if (wide) {
      this.closeUnclosed();
      return this.reject(lineNo, wide, undefined, raw, i);
    }
    if (this.open) return this.continueRecord(text, Buffer.from(raw.rawBytes(i)));
    if (blank) {
      this.summary.framing++;
      return;
    }
    let out: R | R[] | undefined | typeof OPEN_RECORD;
    try {
      out = this.parser.parse(text, lineNo);
    } catch (err) {
      return this.failed(err, lineNo, raw, i);
    }
    if (out === OPEN_RECORD) this.open = { from: lineNo, lines: [text], raws: [Buffer.from(raw.rawBytes(i))] };
    else this.settle(out, lineNo);
  }

  private continueRecord(text: string, bytes: Buffer): void {
    const o = this.open!;
    o.lines.push(text);
    o.raws.push(bytes);
    const joined = o.lines.join('\n');
    let out: R | R[] | undefined | typeof OPEN_RECORD;
    try {
      out = this.parser.parse(joined, o.from);
    } catch (err) {
      this.closeRecord();
      return this.failed(err, o.from, held(Buffer.concat(o.raws.flatMap((b, k) => (k ? [Buffer.from('\n'), b] : [b])))), 0);
    }
    if (out !== OPEN_RECORD) {
      this.closeRecord();
      this.settle(out, o.from);
    } else if (o.lines.length >= MAX_RECORD_LINES) this.giveUp();
  }

  /** The record closed: its further lines are part of it. */
  private closeRecord(): void {
    this.summary.framing += this.open!.lines.length - 1;
    this.open = undefined;
  }

  /** A record open before a rejected line or the end never closes (nor one its lines open, read again). */
  private closeUnclosed(): void {
    while (this.open) this.giveUp();
  }

  /** The record never closed: its first line is read alone, the others as ordinary lines again. */
  private giveUp(): void {
    const o = this.open!;
    this.open = undefined;
    try {
      if (!this.parser.unclosed) throw new FieldError(undefined, 'a quoted field that never closes');
      this.settle(this.parser.unclosed(o.lines[0]!, o.from), o.from);
    } catch (err) {
      this.failed(err, o.from, held(o.raws[0]!), 0);
    }
    for (let k = 1; k < o.lines.length; k++) this.line(o.lines[k], o.from + k, held(o.raws[k]!), 0);
  }

  private settle(out: R | R[] | undefined, lineNo: number): void {
    if (out === undefined) this.summary.framing++;
    else if (Array.isArray(out)) {
      for (const r of out) {
        r.line = lineNo;
        this.records.push(r);
      }
      this.summary.records += out.length;
    } else {
      out.line = lineNo;
      this.records.push(out);
      this.summary.records++;
    }
  }

  private failed(err: unknown, lineNo: number, raw: RawLines, i: number): void {
    // A file that is not of its format fails whole, not line by line.
    if (err instanceof BotcensusError) throw err;
    this.reject(lineNo, (err as Error).message, err instanceof FieldError ? err.field : undefined, raw, i);
  }

  private reject(lineNo: number, reason: string, field: string | undefined, raw: RawLines, i: number): void {
    this.summary.rejected++;
    if (this.summary.examples.length < this.maxExamples)
      this.summary.examples.push({ line: lineNo, field: field === undefined ? undefined : printable(field), reason: printable(reason, 1000), raw: printableBytes(raw.rawBytes(i), RAW_MAX) });
  }
}

/**
 * Reads text held in memory through `parser` as a file is read (readRecords in reader.ts): the
 * same framing, limits and isolation, for text pasted or built in memory.
 */
export function readTextRecords<R extends { line?: number }>(
  text: string,
  parser: RecordLineParser<R>,
  opts: { maxExamples?: number; limits?: Pick<Limits, 'maxLineBytes' | 'maxFields'> } = {},
): { records: R[]; summary: ReadSummary } {
  const lim = opts.limits ?? limits();
  const framer = new LineFramer(lim.maxLineBytes);
  const loop = new LineRecords(parser, lim, opts.maxExamples);
  loop.take(framer.lines, framer, framer.push(Buffer.from(text)));
  loop.take(framer.lines, framer, framer.end());
  loop.end();
  return { records: loop.records, summary: loop.summary };
}
