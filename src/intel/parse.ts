// Entry point for intel files: detects the format, runs its importer, folds duplicates, names the file in errors.
import { BotcensusError } from '../core/errors.js';
import { printable } from '../core/printable.js';
import { headLines } from '../core/reader.js';
import type { IndicatorRecord, IntelParseResult, SkippedSection, WarningEntry } from '../core/model/indicator.js';
import type { LineCounts } from '../core/model/line-counts.js';
import { mergeDuplicates } from '../core/model/indicator-merge.js';
import { readJsonIntel } from './json-intel.js';
import { readLineIntel } from './line-intel.js';
import { TextListParser } from './text-list.js';
import { ZeekIntelParser } from './zeek-intel.js';

export { jsonKind } from './json-intel.js';

export type IntelFormat = 'auto' | 'text' | 'csv' | 'stix' | 'misp' | 'zeek-intel' | 'warninglist';

export interface IntelFileResult {
  format: Exclude<IntelFormat, 'auto'>;
  /** Repeated indicators folded into their first occurrence. */
  indicators: IndicatorRecord[];
  warnings: WarningEntry[];
  /**
   * Lines read (0 for JSON, whose "lines" are object positions), records (indicators and
   * warninglist entries), rejected lines with the first examples, skipped sections, duplicates.
   */
  counts: LineCounts;
}

/** Examples of rejected lines (or entries) kept for the report. */
const MAX_EXAMPLES = 10;

export async function parseIntelFile(path: string, format: IntelFormat = 'auto', opts: { tz?: string } = {}): Promise<IntelFileResult> {
  try {
    const head = await headLines(path, 20);
    const resolved = format === 'auto' ? detect(head) : format;
    if (resolved === 'json' || resolved === 'stix' || resolved === 'misp' || resolved === 'warninglist') {
      // Read as a stream: the format shows in the first object or in the keys.
      const json = await readJsonIntel(path, resolved === 'json' ? 'auto' : resolved);
      const read = { lines: 0, framing: 0, rejected: json.rejected.length, examples: json.rejected.slice(0, MAX_EXAMPLES).map(safeRejected) };
      return fileResult(json.format, json.indicators, json.warnings, json.skipped, read);
    }
    const parser = resolved === 'zeek-intel' ? new ZeekIntelParser() : new TextListParser(opts);
    const lines = await readLineIntel(path, parser);
    return fileResult(resolved, lines.indicators, lines.warnings, lines.skipped, lines.summary);
  } catch (err) {
    throw inFile(err, path);
  }
}

function fileResult(
  format: IntelFileResult['format'],
  indicators: IndicatorRecord[],
  warnings: WarningEntry[],
  skipped: SkippedSection[],
  read: Pick<LineCounts, 'lines' | 'framing' | 'rejected' | 'examples'>,
): IntelFileResult {
  const merged = mergeDuplicates(indicators);
  const counts: LineCounts = {
    ...read,
    records: merged.indicators.length + warnings.length,
    duplicates: merged.duplicates,
    skipped: skipped.map((s) => ({ ...s, sample: printable(s.sample), reason: printable(s.reason) })),
  };
  return { format, indicators: merged.indicators, warnings, counts };
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
