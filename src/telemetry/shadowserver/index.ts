// The Shadowserver report reader: CSV reports named after their type, one host per row.
import type { TelemetryFormat } from '../../core/reader.js';
import { isKnownReportFile } from './file-name.js';
import { normaliseHeader, ShadowserverParser } from './parser.js';

export { reportTypeFromFileName, reportTypeKey, type FileReportType } from './file-name.js';
export { REPORT_TYPES, REPORT_ALIASES, SCHEMA_DATE } from './report-types.js';
export type { ReportClass, ReportTypeInfo } from './report-class.js';

/** A header naming a timestamp and a host address, as every Shadowserver host report has. */
function looksLikeReportHeader(line: string | undefined): boolean {
  if (line === undefined) return false;
  let cols: string[];
  try {
    cols = normaliseHeader(line);
  } catch {
    return false;
  }
  return cols.includes('timestamp') && (cols.includes('ip') || cols.includes('src_ip'));
}

export const shadowserverFormat: TelemetryFormat = {
  name: 'shadowserver',
  detect(fileName: string, head: string[]): boolean {
    return isKnownReportFile(fileName) || looksLikeReportHeader(head[0]);
  },
  create: (ctx) => new ShadowserverParser(ctx),
};
