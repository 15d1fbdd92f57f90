// Finds the Shadowserver report type in a file name: "2024-06-01-event4_sinkhole-asn-world.csv",
// "2019-01-01-scan_ftp-test-geo.csv.gz" and a bare "scan_ftp.csv" all name their type.
import { basename } from 'node:path';
import { REPORT_ALIASES, REPORT_TYPES } from './report-types.js';
import type { ReportTypeInfo } from './report-class.js';

export interface FileReportType {
  /** Canonical file-name key ("event4_sinkhole"), the name as written when unknown, or "unknown". */
  key: string;
  /** The table entry; undefined for a type the generated table does not know. */
  info?: ReportTypeInfo;
}

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}[-_]/;
const TYPE_NAME = /^[a-z][a-z0-9_]*$/;

/** The report type part of a file name, lower-case, before any lookup. */
export function reportTypeKey(fileName: string): string {
  let s = basename(fileName).toLowerCase();
  // Shadowserver names hold no dots apart from the extensions (.csv, .csv.gz).
  const dot = s.indexOf('.');
  if (dot >= 0) s = s.slice(0, dot);
  s = s.replace(DATE_PREFIX, '');
  // The type never contains '-'; what follows is the recipient, filter and variant ("asn-world").
  const dash = s.indexOf('-');
  if (dash >= 0) s = s.slice(0, dash);
  return s;
}

/** The report type a file name names, resolved through the table and its aliases. */
export function reportTypeFromFileName(fileName: string): FileReportType {
  const raw = reportTypeKey(fileName);
  // hasOwn: a file called "constructor.csv" must not find Object.prototype members.
  const key = Object.hasOwn(REPORT_TYPES, raw) ? raw : Object.hasOwn(REPORT_ALIASES, raw) ? REPORT_ALIASES[raw] : undefined;
  if (key !== undefined && Object.hasOwn(REPORT_TYPES, key)) return { key, info: REPORT_TYPES[key] };
  return { key: TYPE_NAME.test(raw) ? raw : 'unknown' };
}

/** True when the name is a CSV file named after a type the table knows. */
export function isKnownReportFile(fileName: string): boolean {
  return /\.csv(\.gz)?$/i.test(fileName) && reportTypeFromFileName(fileName).info !== undefined;
}
