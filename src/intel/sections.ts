// Groups the lines (or list entries) an importer could not use into SkippedSection runs.
import type { SkippedSection } from '../core/model/indicator.js';

const SAMPLE_CHARS = 120;

/**
 * Consecutive skipped lines with the same reason form one section. Blank and comment lines in
 * between neither extend nor end a run; any used line ends it, so a section never hides one.
 */
export class SectionBuilder {
  readonly sections: SkippedSection[] = [];
  private open: SkippedSection | undefined;

  /** Adds one skipped line. */
  skip(line: number, reason: string, text: string): void {
    if (this.open && this.open.reason === reason) {
      this.open.toLine = line;
      return;
    }
    this.close();
    this.open = { fromLine: line, toLine: line, reason, sample: sample(text) };
  }

  /** Adds a whole section at once (a YARA rule, a group of JSON objects). */
  add(section: SkippedSection): void {
    this.close();
    this.sections.push({ ...section, sample: sample(section.sample) });
  }

  /** A used line: the current run ends here. */
  close(): void {
    if (this.open) this.sections.push(this.open);
    this.open = undefined;
  }

  /** All sections, in line order. */
  finish(): SkippedSection[] {
    this.close();
    return this.sections.sort((a, b) => a.fromLine - b.fromLine);
  }
}

export function sample(text: string): string {
  const s = text.trim();
  return s.length > SAMPLE_CHARS ? s.slice(0, SAMPLE_CHARS) + '…' : s;
}
