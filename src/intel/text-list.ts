// Reads indicator lists as people publish them: a header table (TSV/CSV/;/|) or one indicator a
// line, mixed with comments, prose, encoded snippets and YARA rules, which are reported as skipped.
import { FieldError } from '../core/errors.js';
import type { IndicatorRecord, IntelParseResult } from '../core/model/indicator.js';
import { mergeDuplicates } from './merge.js';
import { makeIndicator, NotAnIndicator, parseIndicator } from './normalize.js';
import { SectionBuilder } from './sections.js';
import { splitCells } from './split-cells.js';
import { detectHeader, isBareColumnName, type TableHeader } from './columns.js';
import { readRow } from './table-row.js';

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
// A quoted CSV cell may span lines; beyond this many we assume a stray quote instead.
const MAX_RECORD_LINES = 20;

/** Line-at-a-time parser: push every line in order, then finish(). */
export class TextListParser {
  private lineNo = 0;
  private header: TableHeader | undefined;
  private seenData = false;
  private yara: { from: number; to: number; depth: number; opened: boolean; sample: string } | undefined;
  private pending: { from: number; lines: string[] } | undefined;
  private readonly found: IndicatorRecord[] = [];
  private readonly rejected: IntelParseResult['rejected'] = [];
  private readonly sections = new SectionBuilder();

  constructor(private readonly opts: TextListOptions = {}) {}

  push(line: string): void {
    this.handle(line, ++this.lineNo);
  }

  finish(): TextListResult {
    if (this.pending) this.giveUpRecord();
    if (this.yara) this.closeYara('YARA rule (unterminated)');
    const merged = mergeDuplicates(this.found);
    return { indicators: merged.indicators, skipped: this.sections.finish(), rejected: this.rejected, warnings: [], duplicates: merged.duplicates };
  }

  private handle(line: string, lineNo: number): void {
    if (this.pending) return this.continueRecord(line);
    if (this.yara) return this.continueYara(line, lineNo);
    const text = line.trim();
    if (text === '') return;
    if (YARA_START.test(line)) {
      this.sections.close();
      this.yara = { from: lineNo, to: lineNo, depth: 0, opened: false, sample: text };
      return this.continueYara(line, lineNo, true);
    }
    if (COMMENT.test(line)) {
      // abuse.ch-style lists keep their header in a comment: "# first_seen_utc,dst_ip,dst_port,…"
      if (!this.header && !this.seenData) this.header = detectHeader(text.replace(/^(#|\/\/|;)+\s*/, ''));
      return;
    }
    // A header may follow a prose introduction, but not indicators: after the first one the
    // table's shape is settled.
    if (!this.header && !this.seenData) {
      this.header = detectHeader(line);
      if (this.header) return this.sections.close();
      if (isBareColumnName(text)) return;
    }
    if (this.header && line.includes(this.header.sep)) {
      const split = splitCells(line, this.header.sep);
      if (split.unterminated && this.header.sep === ',') {
        this.pending = { from: lineNo, lines: [line] };
        return;
      }
      return this.tableRow(split.cells, lineNo, line);
    }
    this.looseLine(text, lineNo);
  }

  private tableRow(cells: string[], lineNo: number, raw: string): void {
    const header = this.header!;
    try {
      const rec = readRow(header, cells, lineNo, this.opts.tz);
      if (rec === undefined) return; // an empty row
      this.accept(rec);
    } catch (err) {
      this.fail(err, lineNo, raw);
    }
  }

  /** One indicator per line, with an optional trailing "# comment" or extra separated cells as tags. */
  private looseLine(text: string, lineNo: number): void {
    const comment = TRAILING_COMMENT.exec(text);
    const body = comment ? text.slice(0, comment.index).trim() : text;
    const description = comment?.[1]?.trim() || undefined;
    if (/\s/.test(body) && !/[\t,;|]/.test(body)) return this.skipLine(lineNo, text, 'not an indicator');
    let firstErr: unknown;
    if (!/\s/.test(body)) {
      try {
        return this.accept(makeIndicator(parseIndicator(body), lineNo, { description }));
      } catch (err) {
        firstErr = err;
      }
    }
    const sep = ['\t', ',', ';', '|'].find((s) => body.includes(s));
    if (sep) {
      const [first, ...rest] = splitCells(body, sep).cells.map((c) => c.trim());
      if (first && !/\s/.test(first)) {
        try {
          const tags = rest.filter((c) => c !== '');
          return this.accept(makeIndicator(parseIndicator(first), lineNo, { tags, description }));
        } catch (err) {
          firstErr ??= err;
        }
      }
    }
    this.fail(firstErr ?? new NotAnIndicator(undefined, 'not an indicator'), lineNo, text);
  }

  private accept(rec: IndicatorRecord): void {
    this.seenData = true;
    this.sections.close();
    this.found.push(rec);
  }

  /** A token that is no indicator becomes part of a skipped section; a broken indicator is rejected. */
  private fail(err: unknown, lineNo: number, raw: string): void {
    if (err instanceof NotAnIndicator) return this.skipLine(lineNo, raw, err.message);
    this.sections.close();
    const field = err instanceof FieldError ? err.field : undefined;
    this.rejected.push({ line: lineNo, field, reason: (err as Error).message, raw: raw.length > 200 ? raw.slice(0, 200) + '…' : raw });
  }

  private skipLine(lineNo: number, text: string, why: string): void {
    this.sections.skip(lineNo, why === 'not an indicator' ? describeText(text) : why, text);
  }

  private continueYara(line: string, lineNo: number, first = false): void {
    const y = this.yara!;
    // Braces inside "strings" and // comments do not count; hex strings { .. } balance on their line.
    const code = line.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, '');
    if (!first && line.trim() !== '') {
      if (!y.opened && !code.includes('{')) {
        // "rule Something" with no body after it was prose after all.
        this.yara = undefined;
        this.sections.skip(y.from, 'free text', y.sample);
        return this.handle(line, lineNo);
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
  }

  private closeYara(reason: string): void {
    const y = this.yara!;
    this.sections.add({ fromLine: y.from, toLine: y.to, reason, sample: y.sample });
    this.yara = undefined;
  }

  private continueRecord(line: string): void {
    const p = this.pending!;
    p.lines.push(line);
    const joined = p.lines.join('\n');
    const split = splitCells(joined, ',');
    if (!split.unterminated) {
      this.pending = undefined;
      return this.tableRow(split.cells, p.from, joined);
    }
    if (p.lines.length >= MAX_RECORD_LINES) this.giveUpRecord();
  }

  /** The quote never closed: read the first line on its own and the others as ordinary lines. */
  private giveUpRecord(): void {
    const p = this.pending!;
    this.pending = undefined;
    this.tableRow(splitCells(p.lines[0]!, ',').cells, p.from, p.lines[0]!);
    p.lines.slice(1).forEach((l, i) => this.handle(l, p.from + 1 + i));
  }
}

/** Why a line that is no indicator was skipped: encoded data or prose. */
function describeText(text: string): string {
  if (/(?:^|\s)[A-Za-z0-9+/]{24,}={0,2}(?:\s|$)/.test(text) && /[A-Z]/.test(text) && /\d|=/.test(text))
    return 'encoded snippet';
  return 'free text';
}

/** Parses a whole text list held in memory. */
export function parseTextList(text: string, opts: TextListOptions = {}): TextListResult {
  const parser = new TextListParser(opts);
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) parser.push(l);
  return parser.finish();
}
