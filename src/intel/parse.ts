// Entry point for intel files: detects the format, runs its importer, folds duplicates, names the file in errors.
import { BotcensusError, FieldError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { headLines, readLines } from '../core/reader.js';
import type { IntelParseResult } from '../core/model/indicator.js';
import { readJsonIntel } from './json-intel.js';
import { mergeDuplicates } from '../core/model/indicator-merge.js';
import { TextListParser } from './text-list.js';
import { ZeekIntelParser } from './zeek-intel.js';

export { jsonKind } from './json-intel.js';

export type IntelFormat = 'auto' | 'text' | 'csv' | 'stix' | 'misp' | 'zeek-intel' | 'warninglist';
export type IntelFileResult = IntelParseResult & {
  format: Exclude<IntelFormat, 'auto'>;
  duplicates: number;
  /** Lines read, for a line-based format (0 for JSON, whose "lines" are object positions). */
  lines: number;
};

export async function parseIntelFile(path: string, format: IntelFormat = 'auto', opts: { tz?: string } = {}): Promise<IntelFileResult> {
  try {
    const head = await headLines(path, 20);
    let resolved = format === 'auto' ? detect(head) : format;
    let result: IntelParseResult & { duplicates?: number };
    let lines = 0;
    if (resolved === 'json' || resolved === 'stix' || resolved === 'misp' || resolved === 'warninglist') {
      // Read as a stream: the format shows in the first object or in the keys.
      const json = await readJsonIntel(path, resolved === 'json' ? 'auto' : resolved);
      resolved = json.format;
      result = json;
    } else {
      const parser = resolved === 'zeek-intel' ? new ZeekIntelParser() : new TextListParser(opts);
      // Lines over the limits reach the parser as blank lines (numbers kept) and are rejected here.
      const framed: IntelParseResult['rejected'] = [];
      for await (const line of readLines(path, (r) => framed.push(r))) {
        lines++;
        try {
          parser.push(line);
        } catch (err) {
          // One line's failure is that line's, as in the reader base; a file that is not of its format fails whole.
          if (err instanceof BotcensusError) throw err;
          framed.push({ line: lines, field: err instanceof FieldError ? err.field : undefined, reason: (err as Error).message, raw: line.slice(0, 200) });
        }
      }
      result = parser.finish();
      if (framed.length) result = { ...result, rejected: [...framed, ...result.rejected].sort((a, b) => a.line - b.line) };
    }
    const merged = mergeDuplicates(result.indicators);
    const rejected = result.rejected.map(safeRejected);
    const skipped = result.skipped.map((s) => ({ ...s, sample: printable(s.sample), reason: printable(s.reason) }));
    return { ...result, rejected, skipped, indicators: merged.indicators, format: resolved, duplicates: (result.duplicates ?? 0) + merged.duplicates, lines };
  } catch (err) {
    throw inFile(err, path);
  }
}

/** An error while reading `path`, as one naming it. */
export function inFile(err: unknown, path: string): BotcensusError {
  if (err instanceof BotcensusError) {
    if (err.where.file) return err;
    return new BotcensusError(err.code, err.message, { ...err.where, file: path }, { cause: err });
  }
  return new BotcensusError('UNREADABLE', `cannot read: ${(err as Error).message}`, { file: path }, { cause: err });
}

/** JSON by its first character (which JSON format is read from it); Zeek intel by its #fields line; anything else is a text list. */
function detect(head: string[]): Exclude<IntelFormat, 'auto'> | 'json' {
  if (looksLikeJson(head)) return 'json';
  if (head.some((l) => l.startsWith('#fields') && /\bindicator_type\b/.test(l))) return 'zeek-intel';
  return 'text';
}

export function looksLikeJson(head: string[]): boolean {
  const first = head[0]?.trimStart() ?? '';
  // "[2001:db8::1]:443" starts a text list, not a JSON array.
  return first.startsWith('{') || /^\[\s*([{["\]]|$)/.test(first);
}

/** A rejected line as shown to people: its input quoted safely (control bytes escaped, long values cut). */
export function safeRejected(r: IntelParseResult['rejected'][number]): IntelParseResult['rejected'][number] {
  return { ...r, field: r.field === undefined ? undefined : printable(r.field), reason: printable(r.reason, 1000), raw: printable(r.raw) };
}
