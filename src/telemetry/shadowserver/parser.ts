// Turns the lines of one Shadowserver CSV report into ReportRecords: the first line is the header,
// which is compiled once into a column plan; every later line is one row.
import { FieldError } from '../../core/errors.js';
import { splitCsv } from '../../core/fields.js';
import type { LineParser, ReaderContext } from '../../core/reader.js';
import type { ReportRecord } from '../../core/model/telemetry.js';
import { assign, compilePlan, victimColumn, type ColumnPlan } from './columns.js';
import { reportTypeFromFileName } from './file-name.js';
import { classifyReport, COMPROMISED_CLASSES, type ReportTypeInfo } from './report-class.js';

/** Header cells as the rules look them up: trimmed, lower-case, without a byte-order mark. */
export function normaliseHeader(line: string): string[] {
  return splitCsv(line.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
}

export class ShadowserverParser implements LineParser {
  private readonly reportType: string;
  private readonly info: ReportTypeInfo | undefined;
  private readonly compromised: boolean;
  private readonly tz: string | undefined;
  private headerLine: string | undefined;
  private header: string[] = [];
  private plan: ColumnPlan | undefined;
  /**
   * Rows that end before the header's last columns: read with those cells empty, as IntelMQ's
   * parser reads them (a required column among the missing ones still rejects the row).
   */
  shortRows = 0;

  constructor(ctx: ReaderContext) {
    const t = reportTypeFromFileName(ctx.fileName);
    this.reportType = t.key;
    this.info = t.info;
    // A type the table does not know gets the same name rule the generator applied to the table.
    this.compromised = t.info ? t.info.compromised : COMPROMISED_CLASSES.has(classifyReport(t.key));
    this.tz = ctx.tz;
  }

  parse(line: string, _lineNo: number): ReportRecord | undefined {
    if (this.plan === undefined) {
      this.header = normaliseHeader(line);
      this.headerLine = line;
      this.plan = compilePlan(this.header, victimColumn(this.header, this.info?.victim), this.reportType);
      return undefined;
    }
    // Concatenated downloads repeat the header.
    if (line === this.headerLine) return undefined;
    const plan = this.plan;
    if (plan.missing) throw plan.missing;
    const cells = splitCsv(line);
    if (cells.length > this.header.length) throw new FieldError(undefined, `${cells.length} columns, header has ${this.header.length}`);
    if (cells.length < this.header.length) {
      const rec = this.toRecord([...cells, ...Array<string>(this.header.length - cells.length).fill('')], plan);
      this.shortRows++;
      return rec;
    }
    return this.toRecord(cells, plan);
  }

  private toRecord(cells: string[], plan: ColumnPlan): ReportRecord {
    const rec: Partial<ReportRecord> = { kind: 'report', reportType: this.reportType };
    const extra: Record<string, string> = {};
    for (const step of plan.steps) {
      const raw = cells[step.index]!;
      if (raw.trim() === '') {
        if (step.required) throw new FieldError(step.column, 'missing value');
        continue;
      }
      const value = step.convert(raw, step.column, this.tz);
      if (value === undefined) {
        // Not mappable (e.g. a geo that is no country code): keep it as the report wrote it.
        if (step.required) throw new FieldError(step.column, `unusable value: ${JSON.stringify(raw.slice(0, 60))}`);
        extra[step.column] = raw;
      } else assign(rec, step.field, value);
    }
    for (const [i, name] of plan.extra) {
      const raw = cells[i]!;
      if (raw !== '' && !Object.hasOwn(extra, name)) extra[name] = raw;
    }
    if (rec.protocol === undefined && this.info?.transport) rec.protocol = this.info.transport;
    const tagged = this.info?.compromisedTag !== undefined && rec.tag?.toLowerCase().includes(this.info.compromisedTag);
    rec.compromised = this.compromised || tagged === true;
    rec.extra = extra;
    return rec as ReportRecord;
  }
}
