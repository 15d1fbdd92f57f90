// Reads indicator lists as people publish them: header tables (TSV/CSV/;/|, or columns aligned
// with spaces; a later header starts a new table) or one indicator a line, mixed with comments,
// prose, encoded snippets and YARA rules, which are reported as skipped. A line holding anything
// indicator-shaped is never skipped: it is read or rejected.
import { FieldError } from '../core/errors.js';
import { OPEN_RECORD } from '../core/line-records.js';
import type { IndicatorRecord, IntelParseResult, SkippedSection } from '../core/model/indicator.js';
import { mergeDuplicates } from '../core/model/indicator-merge.js';
import { readLineIntelText, type IntelLineParser } from './line-intel.js';
import { makeIndicator, NotAnIndicator, parseIndicator } from './normalize.js';
import { SectionBuilder } from './sections.js';
import { splitCells } from './split-cells.js';
import { detectHeader, isBareColumnName, isGenericType, SPACED, splitSpaced, type TableHeader } from './columns.js';
import { readRow } from './table-row.js';
import { asHashKind, hashKindOf, JA4, namesFile, type HashKind } from './hash-kind.js';
import { parseTimeframe } from './timeframe.js';

export interface TextListResult extends IntelParseResult {
  /** Indicators that repeated in the file and were folded into their first occurrence. */
  duplicates: number;
}

export interface TextListOptions {
  /** UTC offset for dates written without a zone. */
  tz?: string;
}

const YARA_START = /^\s*(?:(?:private|global)\s+)*rule\s+\w+\s*(?::[\w\s]*)?\{?\s*$/;
const COMMENT = /^\s*(#|\/\/|;)/;
const TRAILING_COMMENT = /\s+(?:#|\/\/)\s?(.*)$/;
// A table's ruler: "-----", "====  ====", "|---|:--|", "+----+----+".
const RULER = /^\s*[-=_+|:\s]*[-=_]{3,}[-=_+|:\s]*$/;
// "Sha256: 3f2a…", "C2 server - 192.0.2.1": a label, then one token.
const LABELLED = /^([A-Za-z][\w .()/-]{0,40}?)\s*(?::|\s-|=)\s*(\S+)$/;
const HEX_HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i;
// A line short enough to be a heading ("Files", "## SSL certificates") sets what its hashes are.
const MAX_HEADING_WORDS = 8;

type Read = IndicatorRecord | undefined;

/**
 * One line at a time, in order, through the reader base (line-intel.ts): a line gives its
 * indicator, or undefined for framing and skipped text, or throws to be rejected.
 */
export class TextListParser implements IntelLineParser {
  private header: TableHeader | undefined;
  private seenData = false;
  /** What hashes under the latest heading are. */
  private hashes: HashKind | undefined;
  private yara: { from: number; to: number; depth: number; opened: boolean; sample: string } | undefined;
  private readonly sections = new SectionBuilder();

  constructor(private readonly opts: TextListOptions = {}) {}

  parse(line: string, lineNo: number): Read | typeof OPEN_RECORD {
    if (this.yara) return this.continueYara(line, lineNo);
    const text = line.trim();
    if (text === '') return undefined;
    if (YARA_START.test(line)) {
      this.sections.close();
      this.yara = { from: lineNo, to: lineNo, depth: 0, opened: false, sample: text };
      return this.continueYara(line, lineNo, true);
    }
    if (RULER.test(line)) return undefined; // framing of the table around it
    if (COMMENT.test(line)) {
      const body = text.replace(/^(#|\/\/|;)+\s*/, '');
      // abuse.ch-style lists keep their header in a comment: "# first_seen_utc,dst_ip,dst_port,…"
      if (!this.header && !this.seenData) this.header = detectHeader(body);
      this.noteHeading(body);
      return undefined;
    }
    // A header may follow a prose introduction, but not indicators: after the first one the
    // table's shape is settled.
    if (!this.header && !this.seenData) {
      this.header = detectHeader(line);
      if (this.header) {
        this.sections.close();
        return undefined;
      }
      if (isBareColumnName(text)) return undefined;
    }
    const header = this.header;
    if (header && header.sep !== SPACED && line.includes(header.sep)) {
      // A quoted CSV cell may hold line breaks: the base hands the record's lines over joined.
      const split = splitCells(line, header.sep);
      if (split.unterminated && header.sep === ',') return OPEN_RECORD;
      return this.tableRow(split.cells, lineNo, line);
    }
    // A row whose columns are aligned with runs of spaces, under a spaced header or in place of the header's tabs.
    if (header && /\S(?:\s{2,}|\t)\S/.test(text)) return this.tableRow(spacedCells(line, header), lineNo, line);
    return this.looseLine(text, lineNo);
  }

  /** A CSV record whose quote never closed: its first line read alone. */
  unclosed(line: string, lineNo: number): Read {
    return this.tableRow(splitCells(line, ',').cells, lineNo, line);
  }

  finish(): SkippedSection[] {
    if (this.yara) this.closeYara('YARA rule (unterminated)');
    return this.sections.finish();
  }

  private tableRow(cells: string[], lineNo: number, raw: string): Read {
    const header = this.header!;
    let rec: Read;
    try {
      rec = readRow(header, cells, lineNo, this.opts.tz, this.hashes);
    } catch (err) {
      return this.fail(err, lineNo, raw);
    }
    return rec === undefined ? undefined : this.accept(rec); // undefined: an empty row
  }

  /**
   * One indicator per line, with an optional trailing "# comment", extra cells (separated by a tab,
   * a run of spaces, ',', ';' or '|') as tags or its timeframe, "Label: value", or a hash beside a
   * file name ("Kv-all.sh <sha256>").
   */
  private looseLine(text: string, lineNo: number): Read {
    const comment = TRAILING_COMMENT.exec(text);
    const body = comment ? text.slice(0, comment.index).trim() : text;
    let description = comment?.[1]?.trim() || undefined;
    let firstErr: unknown;
    if (this.hashes === 'ja3' && JA4.test(body)) firstErr = new FieldError(undefined, 'a JA4 TLS fingerprint: botcensus does not match those');
    else if (!/\s/.test(body)) {
      try {
        return this.accept(makeIndicator(this.hashAs(parseIndicator(body), body, this.hashes), lineNo, { description }));
      } catch (err) {
        firstErr = err;
      }
    }
    const labelled = LABELLED.exec(body);
    const cells = cellsOf(body) ?? (labelled ? [labelled[2]!] : undefined);
    if (cells) {
      // The hash is the indicator where there is one (the other cells name its file); else the first cell.
      const at = Math.max(0, cells.findIndex((c) => HEX_HASH.test(c)));
      const token = cells[at]!;
      const rest = cells.filter((_, i) => i !== at);
      const label = labelled && !cellsOf(body) ? labelled[1]!.trim() : undefined;
      const context = [label ?? '', ...rest].join(' ');
      const kind = hashKindOf(context) ?? (namesFile(' ' + context) ? 'file' : this.hashes);
      if (!/\s/.test(token)) {
        try {
          const core = this.hashAs(parseIndicator(token), token, kind);
          const timeframe = rest.find((c) => /[a-z]{3}|\d{4}-\d\d-\d\d/i.test(c) && typeof parseTimeframe(c) !== 'string');
          const window = timeframe === undefined ? undefined : parseTimeframe(timeframe);
          const others = rest.filter((c) => c !== timeframe);
          const fileNames = core.type.startsWith('file-') ? others.filter((c) => namesFile(' ' + c)) : [];
          // "C2 server: 192.0.2.1" keeps its label; "SHA256: …" and "IP: …" only name the kind.
          if (label && !hashKindOf(label, true) && !isGenericType(label)) description ??= label;
          if (fileNames.length) description = [...fileNames, ...(description ? [description] : [])].join('; ');
          const tags = others.filter((c) => !fileNames.includes(c) && (label === undefined || c !== label));
          return this.accept(
            makeIndicator(core, lineNo, {
              tags,
              description,
              timeframe,
              ...(window && typeof window !== 'string' ? { firstSeen: window.from, lastSeen: window.to } : {}),
            }),
          );
        } catch (err) {
          firstErr ??= err;
        }
      }
    }
    // "c2.example Zm9vYmFy…": an indicator first, whatever follows it describes it.
    const [first, ...words] = body.split(/\s+/);
    if (!cells && words.length && first && !/^[a-z]+$/i.test(first)) {
      try {
        const core = this.hashAs(parseIndicator(first), first, this.hashes);
        return this.accept(makeIndicator(core, lineNo, { description: [words.join(' '), description].filter(Boolean).join('; ') }));
      } catch {
        // not an indicator first: reported below
      }
    }
    return this.fail(firstErr ?? new NotAnIndicator(undefined, 'not an indicator'), lineNo, text);
  }

  /** A row of the current table whose indicator cell is empty ("-", "n/a"): a bad row, not a new header. */
  private missingIndicator(raw: string): boolean {
    const h = this.header;
    if (!h || (h.sep !== SPACED && !raw.includes(h.sep))) return false;
    const cells = h.sep === SPACED ? spacedCells(raw, h) : splitCells(raw, h.sep).cells;
    return /^\s*(-|—|n\/a|na|none|null|tbd|unknown)?\s*$/i.test(cells[h.ioc] ?? '');
  }

  private hashAs(core: ReturnType<typeof parseIndicator>, raw: string, kind: HashKind | undefined) {
    return asHashKind(core, kind, raw);
  }

  /** A short line naming files, certificates or JA3 sets what the hashes after it are. */
  private noteHeading(text: string): void {
    const words = text.replace(/[#*=_:|-]+/g, ' ').trim().split(/\s+/);
    if (words.length === 0 || words.length > MAX_HEADING_WORDS) return;
    const kind = hashKindOf(text, true);
    if (kind) this.hashes = kind;
  }

  private accept(rec: IndicatorRecord): IndicatorRecord {
    this.seenData = true;
    this.sections.close();
    return rec;
  }

  /**
   * A line that is a new table's header starts that table. A token that is no indicator becomes
   * part of a skipped section, unless the line holds something indicator-shaped: that line, like
   * a broken indicator, is rejected (thrown for the reader base to count).
   */
  private fail(err: unknown, lineNo: number, raw: string): undefined {
    const header = detectHeader(raw);
    if (header && !this.missingIndicator(raw)) {
      this.header = header;
      this.sections.close();
      return undefined;
    }
    if (err instanceof NotAnIndicator) {
      const shaped = indicatorIn(raw);
      if (shaped === undefined) return this.skipLine(lineNo, raw, err.message);
      err = new NotAnIndicator(err.field, `holds ${JSON.stringify(shaped)} but is not a line of indicators`);
    }
    this.sections.close();
    throw err;
  }

  private skipLine(lineNo: number, text: string, why: string): undefined {
    if (why === 'not an indicator') this.noteHeading(text);
    this.sections.skip(lineNo, why === 'not an indicator' ? describeText(text) : why, text);
    return undefined;
  }

  private continueYara(line: string, lineNo: number, first = false): Read | typeof OPEN_RECORD {
    const y = this.yara!;
    // Braces inside "strings" and // comments do not count; hex strings { .. } balance on their line.
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, '');
    if (!first && line.trim() !== '') {
      if (!y.opened && !code.includes('{')) {
        // "rule Something" with no body after it was prose after all.
        this.yara = undefined;
        this.sections.skip(y.from, 'free text', y.sample);
        return this.parse(line, lineNo);
      }
      y.to = lineNo;
    }
    for (const c of code) {
      if (c === '{') {
        y.depth++;
        y.opened = true;
      } else if (c === '}') y.depth--;
    }
    if (y.opened && y.depth <= 0) this.closeYara('YARA rule');
    return undefined;
  }

  private closeYara(reason: string): void {
    const y = this.yara!;
    this.sections.add({ fromLine: y.from, toLine: y.to, reason, sample: y.sample });
    this.yara = undefined;
  }
}

/** The cells of a loose line, split by the first separator it has; undefined for a single token or prose. */
function cellsOf(body: string): string[] | undefined {
  let cells: string[] | undefined;
  if (body.includes('\t')) cells = body.split('\t');
  else if (/\S\s{2,}\S/.test(body)) cells = splitSpaced(body);
  else {
    const sep = [',', ';', '|'].find((s) => body.includes(s));
    if (sep) cells = splitCells(body, sep).cells;
    else {
      // "Kv-all.sh 3f2a…": a hash beside a file name, one space apart (not a hash in a sentence).
      const words = body.split(/\s+/);
      if (words.length <= 3 && words.some((t) => HEX_HASH.test(t))) cells = words;
    }
  }
  return cells?.map((c) => c.trim()).filter((c) => c !== '');
}

/** Cells of a row whose columns are aligned with spaces: split on the runs, or cut where the header's columns start. */
function spacedCells(line: string, header: TableHeader): string[] {
  const cells = splitSpaced(line);
  if (cells.length === header.names.length || !header.starts) return cells;
  const starts = header.starts;
  return starts.map((s, i) => line.slice(s, starts[i + 1] ?? line.length).trim());
}

/** The first token of a line that reads as an indicator (defanged or not), if any. */
export function indicatorIn(text: string): string | undefined {
  for (const raw of text.split(/[\s,;|]+/)) {
    const token = raw.replace(/^[("'<{[]+|[)"'>}\].:!?]+$/g, '');
    if (token.length < 4) continue;
    try {
      const core = parseIndicator(token);
      // A bare word with a dot is a domain only when it looks like a host name, not "e.g" or "Fig.3".
      if (core.type === 'domain' && !/[a-z0-9-]{2,}\.[a-z]{2,}$/i.test(refangHost(token))) continue;
      return token;
    } catch {
      // not an indicator
    }
  }
  return undefined;
}

function refangHost(token: string): string {
  return token.replace(/\[\.\]|\(\.\)|\[dot\]/gi, '.');
}

/** Why a line that is no indicator was skipped: encoded data or prose. */
function describeText(text: string): string {
  if (/(?:^|\s)[A-Za-z0-9+/]{24,}={0,2}(?:\s|$)/.test(text) && /[A-Z]/.test(text) && /\d|=/.test(text))
    return 'encoded snippet';
  return 'free text';
}

/** Parses a whole text list held in memory, as a file is read. */
export function parseTextList(text: string, opts: TextListOptions = {}): TextListResult {
  const read = readLineIntelText(text, new TextListParser(opts));
  const merged = mergeDuplicates(read.indicators);
  return { indicators: merged.indicators, skipped: read.skipped, rejected: read.summary.examples, warnings: [], duplicates: merged.duplicates };
}
