// What reading one file amounted to: lines, records, lines rejected (framing or a bad field) with
// the first examples, sections skipped, and duplicates. Every import reports these.
import type { SkippedSection } from './indicator.js';
import type { RejectedLine } from '../reader.js';

export interface LineCounts {
  lines: number;
  records: number;
  framing: number;
  rejected: number;
  duplicates?: number;
  examples: RejectedLine[];
  skipped?: SkippedSection[];
  /** Flow records read and checked but not stored: no address near an indicator (ingest --prefilter). */
  prefiltered?: number;
  /** Rows that end before the header's last (optional) columns, read with those cells empty (Shadowserver). */
  shortRows?: number;
}
