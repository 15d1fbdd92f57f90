// The line-based intel formats (text lists, Zeek intel) over the reader base the telemetry readers
// use (core/reader.ts): framing, gzip, limits, per-line isolation, and the count and first examples
// of rejected lines come from there. A format's parser turns one line into an indicator or a
// warninglist entry, or throws to reject it, and keeps the sections it skipped.
import type { IndicatorRecord, SkippedSection, WarningEntry } from '../core/model/indicator.js';
import { readTextRecords } from '../core/line-records.js';
import { readRecords, type ReadSummary, type RecordLineParser } from '../core/reader.js';

/** A warninglist entry read from one line (Zeek intel's meta.whitelist=T). */
export type LineWarning = WarningEntry & { line?: number };

export type IntelLineRecord = IndicatorRecord | LineWarning;

export interface IntelLineParser extends RecordLineParser<IntelLineRecord> {
  /** After the last line: the sections skipped, in line order. */
  finish(): SkippedSection[];
}

/** What one line-based intel file holds; repeated indicators are not folded yet. */
export interface LineIntel {
  indicators: IndicatorRecord[];
  warnings: WarningEntry[];
  skipped: SkippedSection[];
  summary: ReadSummary;
}

export async function readLineIntel(path: string, parser: IntelLineParser): Promise<LineIntel> {
  const records: IntelLineRecord[] = [];
  const summary = await readRecords(path, parser, (batch) => {
    for (const r of batch) records.push(r);
  });
  return sorted(records, summary, parser.finish());
}

/** The same for text held in memory; every rejected line is kept as an example. */
export function readLineIntelText(text: string, parser: IntelLineParser): LineIntel {
  const { records, summary } = readTextRecords(text, parser, { maxExamples: Infinity });
  return sorted(records, summary, parser.finish());
}

function sorted(records: IntelLineRecord[], summary: ReadSummary, skipped: SkippedSection[]): LineIntel {
  const indicators: IndicatorRecord[] = [];
  const warnings: WarningEntry[] = [];
  for (const r of records) {
    if ('list' in r) {
      const { line: _line, ...entry } = r;
      warnings.push(entry);
    } else indicators.push(r);
  }
  return { indicators, warnings, skipped, summary };
}
